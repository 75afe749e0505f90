import type { FunctionRecord } from '@/modules/functions/function.record.js';

/** Where a function answers HTTP requests (any method). */
export interface FunctionEndpoints {
  execute: string;
  http: string;
  httpPinned: string;
}

/** The URLs the function gateway serves for a function: under `PublicUrls.functions()` (paths when it is ''). */
export function functionEndpoints(record: Pick<FunctionRecord, 'id' | 'name' | 'latestVersion'>, baseUrl = ''): FunctionEndpoints {
  return {
    execute: `${baseUrl}/execute/${record.id}`,
    http: `${baseUrl}/fn/${record.name}`,
    httpPinned: `${baseUrl}/fn/${record.name}@${record.latestVersion}`,
  };
}
