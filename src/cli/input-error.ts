// An error in what the user gave the CLI (a bad file, a missing option): the command exits with 2.
export class InputError extends Error {}
