// What one fuzz case is: the files to load, how they were made (printable, so a person can rebuild them),
// and what the loaders must do with them: accept, refuse, skip a named entry with a warning, or anything
// as long as it is quick, small and clean (a mutation that may or may not leave the file valid).

import type { FuzzFile } from './seeds';

export type Expect =
  | { kind: 'accept' }
  | { kind: 'refuse' }
  | { kind: 'any' }
  /** Accepted with a warning that names `entry`, or refused (when what is left is not a dataset). */
  | { kind: 'skip'; entry: string };

export interface FuzzCase {
  /** "seed 7, case 123". */
  id: string;
  /** The valid file(s) it started from ("zip-png"), or "bomb". */
  origin: string;
  /** The mutation, with its parameters ("idx dim 1 of train-labels-idx1-ubyte: 60 → 4294967295"). */
  mutation: string;
  files: FuzzFile[];
  expect: Expect;
}

export const ANY: Expect = { kind: 'any' };
export const REFUSE: Expect = { kind: 'refuse' };
export const ACCEPT: Expect = { kind: 'accept' };
export const skip = (entry: string): Expect => ({ kind: 'skip', entry });

/** A mutation's result: new files, what was done, what must happen. */
export interface Mutated {
  files: FuzzFile[];
  detail: string;
  expect: Expect;
}
