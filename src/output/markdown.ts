/** Text inside a markdown table cell: pipes escaped, newlines as spaces. */
export function tableCell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
