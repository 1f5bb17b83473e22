// `--help` sections of labelled entries (settings, exit codes): each label in a column of its own,
// its text wrapped to 100 columns beside it, Markdown backticks dropped.

const WIDTH = 100;

/** One entry per line group: `  LABEL   text…`, continued lines under the text. */
export function helpColumns(entries: ReadonlyArray<{ label: string; text: string }>): string {
  const width = Math.max(...entries.map((e) => e.label.length)) + 4;
  return entries
    .map(({ label, text }) => {
      const lines = [''];
      for (const word of text.replace(/`/g, '').split(' ')) {
        if (lines.at(-1)!.length > 0 && width + lines.at(-1)!.length + word.length + 1 > WIDTH) lines.push('');
        lines[lines.length - 1] = lines.at(-1)! ? `${lines.at(-1)} ${word}` : word;
      }
      return lines.map((line, i) => `${(i === 0 ? `  ${label}` : '').padEnd(width)}${line}`).join('\n');
    })
    .join('\n');
}
