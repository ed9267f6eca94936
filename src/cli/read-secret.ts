import readline from 'node:readline';

/** Reads a secret: from a pipe, the first line of standard input; on a terminal, a prompt that does not echo. */
export async function readSecret(prompt: string, input: NodeJS.ReadStream = process.stdin): Promise<string> {
  if (!input.isTTY) {
    let text = '';
    for await (const chunk of input) text += chunk.toString();
    return text.split(/\r?\n/)[0] ?? '';
  }
  const rl = readline.createInterface({ input, output: process.stderr, terminal: true });
  const output = rl as unknown as { _writeToOutput: (s: string) => void };
  let prompted = false;
  output._writeToOutput = (s: string) => {
    if (!prompted) {
      process.stderr.write(s);
      prompted = true;
    }
  };
  try {
    return await new Promise<string>((resolve) => rl.question(prompt, resolve));
  } finally {
    rl.close();
    process.stderr.write('\n');
  }
}

/** Reads several secrets: lines of a pipe, or one hidden prompt each on a terminal. */
export async function readLines(prompts: string[], input: NodeJS.ReadStream = process.stdin): Promise<string[]> {
  if (!input.isTTY) {
    let text = '';
    for await (const chunk of input) text += chunk.toString();
    return text.split(/\r?\n/).slice(0, prompts.length);
  }
  const answers: string[] = [];
  for (const prompt of prompts) answers.push(await readSecret(prompt, input));
  return answers;
}
