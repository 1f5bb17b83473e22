/** `--name value` from the command line, or the fallback. */
export function flag(argv: readonly string[], name: string, fallback: string): string {
  const at = argv.indexOf(`--${name}`);
  return at >= 0 && argv[at + 1] ? (argv[at + 1] as string) : fallback;
}
