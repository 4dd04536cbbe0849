/**
 * `npm start`: registers the tslab (TypeScript) kernel with Jupyter and opens
 * Jupyter on notebooks/. Arguments after `--` go to Jupyter, e.g.
 * `npm start -- --no-browser --port 9000`. Ctrl-C stops Jupyter.
 */
import { findJupyter, installHelp, registerKernel, startNotebookServer } from './jupyter.js';

async function main(): Promise<number> {
  const jupyter = findJupyter();
  if (!jupyter) {
    console.error(installHelp);
    return 1;
  }
  try {
    registerKernel(jupyter.python);
  } catch (error) {
    console.error((error as Error).message);
    return 1;
  }
  const passThrough = process.argv.slice(2);
  const portArgument = passThrough.find((arg) => arg.startsWith('--port'));
  const server = await startNotebookServer({
    jupyter,
    openBrowser: !passThrough.includes('--no-browser'),
    port: portArgument ? Number(portArgument.split('=')[1] ?? passThrough[passThrough.indexOf(portArgument) + 1]) : 8888,
    extraArguments: passThrough.filter((arg, i) => arg !== '--no-browser' && arg !== portArgument && passThrough[i - 1] !== '--port'),
    onLog: (line) => process.stderr.write(`${line}\n`),
  }).catch((error: Error) => error);
  if (server instanceof Error) {
    console.error(server.message);
    return 1;
  }
  console.log(`\nThe course is open at ${server.url}`);
  console.log('Open notebooks/00-welcome.ipynb first. Press Ctrl-C to stop Jupyter.\n');
  const stop = () => void server.stop();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return new Promise((resolve) => server.process.once('exit', (code) => resolve(code ?? 0)));
}

process.exitCode = await main();
