/** The command-line arguments of the benchmark tools: `<file> [--name value]…`. */

/** The value after `--name`, if given. */
export function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/** The one argument that is neither an option nor an option's value. */
export function fileArgument(args: string[]): string | undefined {
  return args.find((a, i) => !a.startsWith('--') && !(i > 0 && args[i - 1].startsWith('--')));
}
