// An error in what the user gave the CLI (a bad file, a missing option): the command exits with 2.
import { readFile } from 'node:fs/promises';

export class InputError extends Error {}

/** A file the user named, read whole; one that cannot be read is an InputError naming its path. */
export async function readUserFile(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (e) {
    throw new InputError(`${path}: ${(e as Error).message}`);
  }
}

/** A file the user named, read and parsed; the parser's error becomes an InputError with its message. */
export async function parseUserFile<T>(path: string, parse: (bytes: Uint8Array) => T): Promise<T> {
  const bytes = await readUserFile(path);
  try {
    return parse(bytes);
  } catch (e) {
    throw new InputError((e as Error).message);
  }
}
