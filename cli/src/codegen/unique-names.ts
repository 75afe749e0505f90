/** Names made unique within one generated module: a taken one gets the next free number (`numbered` spells it). */
export class UniqueNames {
  private readonly used = new Set<string>();

  take(wanted: string, numbered: (n: number) => string = (n) => `${wanted}${n}`): string {
    let name = wanted;
    for (let n = 2; this.used.has(name); n++) name = numbered(n);
    this.used.add(name);
    return name;
  }
}
