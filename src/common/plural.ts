/**
 * "1 record", "2 records", "0 records": a count with its noun in the right number. Every printer that shows a count
 * goes through here, so no output reads "1 records". `many` is for nouns whose plural is not singular + "s".
 */
export function plural(count: number, singular: string, many = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : many}`;
}
