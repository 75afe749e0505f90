/** Port: the platform's metrics in a scraper's format (Prometheus text exposition). */
export abstract class MetricsExporter {
  abstract scrape(): Promise<{ contentType: string; body: string }>;
}
