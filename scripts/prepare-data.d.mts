// Types for scripts/prepare-data.mjs, so TypeScript tests can import its pure functions.

export declare const CONTENT_VERSION: number;
export declare const SEED: number;
export declare const FILES: string[];
export declare const DATASETS: Record<'fashion-mnist' | 'mnist', { title: string; pkg: string; dir: string; classNames: string[]; total: number; val: number }>;
export declare function hash32(x: number): number;
export declare function mixKey(key: number, v: number): number;
export declare function streamKey(seed: number, ...parts: number[]): number;
export declare function permutation(n: number, key: number): Uint32Array;
export declare function valCountsPerClass(counts: readonly number[], valTotal: number): number[];
export declare function stratifiedSplit(y: ArrayLike<number>, classes: number, valTotal: number, seed: number): { train: Uint32Array; val: Uint32Array };
export declare function readSource(name: 'fashion-mnist' | 'mnist'): { images: Uint8Array; labels: Uint8Array; version: string };
export declare function idxBytes(dims: number[], values: Uint8Array): Uint8Array;
export declare function prepare(name: 'fashion-mnist' | 'mnist', outRoot: string): { name: string; dir: string; wrote: boolean; train: number; val: number };
