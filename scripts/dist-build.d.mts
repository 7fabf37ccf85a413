// Types for scripts/dist-build.mjs (the browser tests' global setup imports it).

export declare const SOURCES: string[];
export declare function newest(path: string): number;
export declare function staleness(root: string): string;
export declare function buildDist(root: string, stdio?: 'pipe' | 'inherit'): void;
