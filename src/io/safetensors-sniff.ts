// Tells a safetensors file from a dataset by its first bytes, so that one drop target and one `inspect`
// command can take both. The test lives in the data layer (src/data/sniff.ts), where the loaders use it to
// name a weights file given as data; this module keeps the io-side import path.
export { SAFETENSORS_SNIFF_BYTES, looksLikeSafetensors } from '../data/sniff';
