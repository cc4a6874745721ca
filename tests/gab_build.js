// gab_build.js SRC DIST: the action's TypeScript as JavaScript, file for file, with the
// TypeScript that github-action-benchmark builds with (its tsconfig: commonjs, es2019,
// esModuleInterop); transpiled only, the code as written.
'use strict';
const fs = require('fs');
const path = require('path');
const ts = require('typescript');
const [src, dist] = process.argv.slice(2);
const walk = (d) => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]);
let n = 0;
for (const f of walk(src).filter((f) => f.endsWith('.ts'))) {
  const out = ts.transpileModule(fs.readFileSync(f, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2019, esModuleInterop: true },
    fileName: f, reportDiagnostics: true,
  });
  if (out.diagnostics && out.diagnostics.length) {
    console.error(`${f}: ${ts.flattenDiagnosticMessageText(out.diagnostics[0].messageText, '\n')}`);
    process.exit(1);
  }
  const dest = path.join(dist, path.relative(src, f)).replace(/\.ts$/, '.js');
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  fs.writeFileSync(dest, out.outputText);
  n++;
}
console.log(`transpiled ${n} files with TypeScript ${ts.version}`);
