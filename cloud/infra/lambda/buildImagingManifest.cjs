// Gathers the verified imaging studies recorded under verified-studies/ into a new version of the training
// manifest (JSON lines) and points manifests/imaging/latest.json at it. Inlined into the Lambda function by
// the imaging stack (Node.js 22 runtime, AWS SDK v3 from the runtime); runs with reserved concurrency 1, so
// manifest versions are built one at a time.
'use strict';
const { createHash } = require('node:crypto');

const RECORD_PREFIX = 'verified-studies/';
const MANIFEST_PREFIX = 'manifests/imaging/';

/** One manifest line from a recorded ImageVerified event detail; null when it names no image set. */
function manifestEntry(detail) {
  if (!detail || typeof detail !== 'object') return null;
  const imageSetId = typeof detail.imageSetId === 'string' ? detail.imageSetId : null;
  if (!imageSetId) return null;
  return {
    imageSetId,
    datastoreId: typeof detail.datastoreId === 'string' ? detail.datastoreId : null,
    verdict: typeof detail.verdict === 'string' ? detail.verdict : null,
    labels: Array.isArray(detail.labels) ? detail.labels.filter((l) => typeof l === 'string') : [],
    verifiedAt: typeof detail.verifiedAt === 'string' ? detail.verifiedAt : null,
  };
}

/** Latest verification per image set, sorted by image set id; the version is the build time. */
function buildManifest(details, now) {
  const latest = new Map();
  let skipped = 0;
  for (const detail of details) {
    const entry = manifestEntry(detail);
    if (!entry) {
      skipped += 1;
      continue;
    }
    const previous = latest.get(entry.imageSetId);
    if (!previous || String(entry.verifiedAt) >= String(previous.verifiedAt)) latest.set(entry.imageSetId, entry);
  }
  const entries = [...latest.values()].sort((a, b) => (a.imageSetId < b.imageSetId ? -1 : a.imageSetId > b.imageSetId ? 1 : 0));
  const body = entries.map((e) => JSON.stringify(e)).join('\n') + (entries.length ? '\n' : '');
  const version = now.toISOString().replace(/[:.]/g, '-');
  const sha256 = createHash('sha256').update(body).digest('hex');
  return { version, body, count: entries.length, skipped, sha256, key: `${MANIFEST_PREFIX}${version}/manifest.jsonl` };
}

async function handler() {
  const s3 = require('@aws-sdk/client-s3');
  const client = new s3.S3Client({});
  const Bucket = process.env.BUCKET_NAME;
  const details = [];
  let ContinuationToken;
  do {
    const page = await client.send(new s3.ListObjectsV2Command({ Bucket, Prefix: RECORD_PREFIX, ContinuationToken }));
    for (const object of page.Contents || []) {
      const response = await client.send(new s3.GetObjectCommand({ Bucket, Key: object.Key }));
      try {
        details.push(JSON.parse(await response.Body.transformToString()));
      } catch {
        details.push(null);
      }
    }
    ContinuationToken = page.NextContinuationToken;
  } while (ContinuationToken);
  const manifest = buildManifest(details, new Date());
  await client.send(new s3.PutObjectCommand({ Bucket, Key: manifest.key, Body: manifest.body, ContentType: 'application/jsonlines' }));
  const pointer = { version: manifest.version, key: manifest.key, count: manifest.count, skipped: manifest.skipped, sha256: manifest.sha256 };
  await client.send(new s3.PutObjectCommand({ Bucket, Key: `${MANIFEST_PREFIX}latest.json`, Body: JSON.stringify(pointer), ContentType: 'application/json' }));
  return pointer;
}

module.exports = { handler, buildManifest, manifestEntry, RECORD_PREFIX, MANIFEST_PREFIX };
