/** Checks every id is a character id in [0, V) (or −1 when `allowIgnore`); the error names the array and index. */
export function checkIds(ids: Int32Array, V: number, name: string, who: string, allowIgnore = false): void {
  const min = allowIgnore ? -1 : 0;
  for (let i = 0; i < ids.length; i++) {
    const v = ids[i]!;
    if (v < min || v >= V) throw new Error(`${who}: ${name}[${i}] = ${v} is not a character id in [0, ${V})`);
  }
}
