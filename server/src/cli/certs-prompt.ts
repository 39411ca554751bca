/** Asks for a password on the terminal without echoing it. Rejects when stdin is not a TTY or on Ctrl+C. */
export function ttyPasswordPrompt(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const input = process.stdin;
    const output = process.stderr;
    if (!input.isTTY) {
      reject(new Error('no terminal to prompt on'));
      return;
    }
    let value = '';
    const finish = (error?: Error): void => {
      input.removeListener('data', onData);
      input.setRawMode(false);
      input.pause();
      output.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: string): void => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish();
        if (ch === '\u0003') return finish(new Error('cancelled'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    // Echo off before the question shows: what is typed as soon as it appears is never echoed.
    input.setEncoding('utf8');
    input.setRawMode(true);
    output.write(question);
    input.resume();
    input.on('data', onData);
  });
}
