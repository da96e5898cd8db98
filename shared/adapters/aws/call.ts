import { CloudCallError } from '../../ports/cloud.ts';

/** Runs one AWS call; its failure becomes a CloudCallError that names the operation. */
export async function call<T>(operation: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof CloudCallError) throw err;
    const e = err as { name?: string; message?: string };
    throw new CloudCallError(operation, `${e.name ?? 'Error'}: ${e.message ?? String(err)}`);
  }
}
