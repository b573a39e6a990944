/** The dialects db suites loop over; `IPNHUB_TEST_DIALECTS=sqlite` narrows a local run. */
export type DialectName = 'sqlite' | 'postgres';

export function enabledDialects(env: NodeJS.ProcessEnv = process.env): DialectName[] {
  const all: DialectName[] = ['sqlite', 'postgres'];
  const wanted = env.IPNHUB_TEST_DIALECTS?.split(',').map((s) => s.trim());
  return wanted ? all.filter((d) => wanted.includes(d)) : all;
}
