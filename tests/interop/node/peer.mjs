// tests/interop/node/peer.mjs - the npm `jose` package as an interop peer.
//
// The driver (tests/interop/test_matrix.py) runs this once per batch, so
// node starts twice per run rather than once per token:
//   node peer.mjs sign JOBS.json    -> for each job, a key and a signed JWT
//   node peer.mjs verify JOBS.json  -> for each job, jwtVerify's verdict
// The answer is one JSON object on stdout. Whether jose supports an
// algorithm is jose's own answer at run time: a JOSENotSupported error
// (code ERR_JOSE_NOT_SUPPORTED) makes a job "unsupported"; any other error
// while verifying is a refusal, and while signing a failure.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as jose from 'jose';

const require = createRequire(import.meta.url);

function joseVersion() {
  try {
    return require('jose/package.json').version;
  } catch {
    return JSON.parse(readFileSync(new URL('./node_modules/jose/package.json',
      import.meta.url), 'utf8')).version;
  }
}

function describe(e) {
  return `${e && e.code ? e.code : (e && e.name) || 'Error'}: ${e && e.message}`;
}

function unsupported(e) {
  return e instanceof jose.errors.JOSENotSupported ||
    (e && e.code === 'ERR_JOSE_NOT_SUPPORTED');
}

// Members the peer's public JWK keeps: the key itself, not WebCrypto's
// bookkeeping (alg would bind one RSA key to one algorithm).
function bare(jwk) {
  const { alg, key_ops, ext, use, ...rest } = jwk;
  return rest;
}

// One generated key per key spec ("RSA 2048" is made once and reused for
// RS256..PS512), kept as a private JWK and imported for each algorithm.
const keyCache = new Map();

async function keyFor(alg, spec) {
  const id = `${spec.kty} ${spec.param}`;
  if (!keyCache.has(id)) {
    let priv, pub;
    if (spec.kty === 'oct') {
      const secret = await jose.generateSecret(alg, { extractable: true });
      priv = pub = bare(await jose.exportJWK(secret));
    } else {
      const opts = { extractable: true };
      if (spec.kty === 'RSA') opts.modulusLength = Number(spec.param);
      if (spec.kty === 'OKP') opts.crv = spec.param;
      const pair = await jose.generateKeyPair(alg, opts);
      priv = bare(await jose.exportJWK(pair.privateKey));
      pub = bare(await jose.exportJWK(pair.publicKey));
    }
    keyCache.set(id, { priv, pub });
  }
  return keyCache.get(id);
}

async function signJob(job) {
  let stage = 'generate';
  try {
    const k = await keyFor(job.alg, job.spec);
    stage = 'import';
    const key = await jose.importJWK(k.priv, job.alg);
    stage = 'sign';
    const token = await new jose.SignJWT(job.claims)
      .setProtectedHeader({ alg: job.alg, typ: 'JWT' })
      .sign(key);
    return { status: 'ok', token, jwk: k.pub };
  } catch (e) {
    return { status: unsupported(e) ? 'unsupported' : 'fail',
             error: `${stage}: ${describe(e)}` };
  }
}

// null if jose can generate a key of this JWK's type for `alg`, else the
// JOSENotSupported message that says it cannot.
async function canGenerate(alg, jwk) {
  const opts = {};
  if (jwk.kty === 'OKP') opts.crv = jwk.crv;
  if (jwk.kty === 'RSA') opts.modulusLength = 2048;
  try {
    if (jwk.kty === 'oct') await jose.generateSecret(alg);
    else await jose.generateKeyPair(alg, opts);
    return null;
  } catch (e) {
    return unsupported(e) ? describe(e) : null;
  }
}

async function verifyJob(job) {
  let key;
  try {
    key = await jose.importJWK(job.jwk, job.alg);
  } catch (e) {
    if (unsupported(e)) {
      return { status: 'unsupported', error: `importJWK: ${describe(e)}` };
    }
    // WebCrypto's DataError does not say whether the key is bad or of a
    // kind jose cannot use with this alg: ask jose whether it can make
    // such a key at all.
    const probe = await canGenerate(job.alg, job.jwk);
    return { status: probe ? 'unsupported' : 'rejected',
             error: `importJWK: ${describe(e)}` +
               (probe ? `; generateKeyPair: ${probe}` : '') };
  }
  try {
    const { payload, protectedHeader } = await jose.jwtVerify(job.token, key, {
      algorithms: [job.alg], issuer: job.iss, audience: job.aud,
    });
    if (protectedHeader.alg !== job.alg) {
      return { status: 'rejected', error: `header alg ${protectedHeader.alg}` };
    }
    return { status: 'ok', claims: payload };
  } catch (e) {
    return { status: unsupported(e) ? 'unsupported' : 'rejected',
             error: `jwtVerify: ${describe(e)}` };
  }
}

async function main() {
  const [op, file] = process.argv.slice(2);
  if ((op !== 'sign' && op !== 'verify') || !file) {
    process.stderr.write('usage: node peer.mjs sign|verify JOBS.json\n');
    process.exit(2);
  }
  const jobs = JSON.parse(readFileSync(file, 'utf8'));
  const results = {};
  for (const job of jobs) {
    results[job.id] = op === 'sign' ? await signJob(job) : await verifyJob(job);
  }
  process.stdout.write(JSON.stringify({
    version: joseVersion(), node: process.version, results,
  }) + '\n');
}

main().catch((e) => {
  process.stderr.write(`peer.mjs: ${describe(e)}\n`);
  process.exit(1);
});
