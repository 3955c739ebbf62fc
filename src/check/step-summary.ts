import { appendFile } from 'node:fs/promises';

/** Appends to the file GitHub Actions shows as the job summary ($GITHUB_STEP_SUMMARY), when there is one. */
export async function appendStepSummary(markdown: string, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const file = env.GITHUB_STEP_SUMMARY;
  if (!file) return false;
  await appendFile(file, markdown.endsWith('\n') ? markdown : `${markdown}\n`);
  return true;
}
