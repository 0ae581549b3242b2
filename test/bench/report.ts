export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  target: string;
  pass: boolean;
  detail?: string;
}

export function toMarkdown(results: BenchResult[]): string {
  const rows = results.map((r) => `| ${r.name} | ${Number.isInteger(r.value) ? r.value : r.value.toFixed(2)} ${r.unit} | ${r.target} | ${r.pass ? 'met' : 'NOT met'} | ${r.detail ?? ''} |`);
  return ['| benchmark | result | target | | detail |', '|---|---|---|---|---|', ...rows].join('\n');
}
