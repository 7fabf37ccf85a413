// Types for scripts/fuzz-bundle.mjs (imported by the fuzz slice in src/fuzz/fuzz.test.ts).
export declare const FUZZ_BUNDLE: string;
export declare function buildFuzzBundle(): Promise<string>;
