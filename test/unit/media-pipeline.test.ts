import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { AppError } from '../../server/lib/errors.js';
import { isPdf, sniffImageType } from '../../server/modules/media/file-type.js';
import { processImage } from '../../server/modules/media/image-pipeline.js';
import { createProcessingQueue } from '../../server/modules/media/processing-queue.js';
import { cleanFileName } from '../../server/modules/media/media.service.js';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/fixtures/uploads');
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name));

describe('media: file type from the bytes (file-type.ts)', () => {
  it('When the bytes are JPEG, PNG or WebP, then the type is recognised whatever the name', () => {
    assert.equal(sniffImageType(fixture('good-motif.jpg')), 'jpeg');
    assert.equal(sniffImageType(fixture('good-motif.png')), 'png');
    assert.equal(sniffImageType(fixture('good-motif.webp')), 'webp');
  });

  it('When the bytes are text, SVG, an executable, a PDF or nothing, then no image type is recognised', () => {
    for (const name of ['text-renamed.jpg', 'script.svg', 'exe-renamed.png', 'pdf-renamed.jpg', 'zero-bytes.jpg']) {
      assert.equal(sniffImageType(fixture(name)), undefined, name);
    }
  });

  it('When the bytes start with %PDF-1., then it is a PDF; an image is not', () => {
    assert.equal(isPdf(Buffer.from('%PDF-1.7\n...')), true);
    assert.equal(isPdf(fixture('pdf-renamed.jpg')), true);
    assert.equal(isPdf(fixture('good-motif.jpg')), false);
    assert.equal(isPdf(Buffer.from(' %PDF-1.7')), false);
  });
});

describe('media: the image pipeline (image-pipeline.ts)', function () {
  this.timeout(30_000);

  it('When an image is sideways with EXIF orientation 6, then every derivative is upright and the size is 1200×800', async () => {
    const out = await processImage(fixture('rotated-exif6.jpg'));
    assert.deepEqual([out.width, out.height], [1200, 800]);
    assert.deepEqual([out.display.width, out.display.height], [1200, 800]);
    assert.deepEqual([out.thumb.width, out.thumb.height], [320, 213]);
    assert.deepEqual([out.raw.width, out.raw.height], [1200, 800]);
  });

  it('When an image carries GPS and EXIF, then no derivative carries any metadata', async () => {
    const out = await processImage(fixture('gps-exif.jpg'));
    for (const d of [out.thumb, out.display, out.publicDisplay]) {
      const meta = await sharp(d.data).metadata();
      assert.equal(meta.exif, undefined);
      assert.equal(meta.xmp, undefined);
      assert.equal(meta.icc, undefined);
      assert.equal(meta.format, 'webp');
    }
  });

  it('When an image is CMYK, then the derivatives are sRGB', async () => {
    const out = await processImage(fixture('cmyk.jpg'));
    assert.equal(out.raw.channels, 3);
    assert.equal((await sharp(out.display.data).metadata()).space, 'srgb');
  });

  it('When the public display is made, then it differs from the display (it is watermarked)', async () => {
    const out = await processImage(fixture('good-motif.jpg'));
    const a = await sharp(out.display.data).raw().toBuffer();
    const b = await sharp(out.publicDisplay.data).raw().toBuffer();
    let changed = 0;
    for (let i = 0; i < a.length; i++) if (Math.abs(a[i]! - b[i]!) > 24) changed++;
    assert.ok(changed / a.length > 0.005, `only ${changed} of ${a.length} samples changed`);
  });

  it('When the SHA-256 is computed, then it is that of the original bytes', async () => {
    const bytes = fixture('good-motif.png');
    const out = await processImage(bytes);
    const { createHash } = await import('node:crypto');
    assert.equal(out.sha256, createHash('sha256').update(bytes).digest('hex'));
    assert.equal(out.bytes, bytes.length);
  });

  it('When an image is tiny or extremely narrow, then it is processed (the watermark fits) without errors', async () => {
    for (const [w, h] of [[1, 1], [30, 20], [16000, 1], [2, 20000]] as const) {
      const input = await sharp({ create: { width: w, height: h, channels: 3, background: '#884422' } }).png().toBuffer();
      const out = await processImage(input);
      assert.deepEqual([out.width, out.height], [w, h]);
      assert.ok(out.thumb.width <= 320 && out.thumb.height <= 320);
      assert.ok(out.display.width <= 1600 && out.display.height <= 1600);
    }
  });

  it('When the image is GIF, TIFF or AVIF, then it is refused with 415', async () => {
    const base = sharp({ create: { width: 30, height: 20, channels: 3, background: '#888888' } });
    for (const input of [await base.clone().gif().toBuffer(), await base.clone().tiff().toBuffer(), await base.clone().avif().toBuffer()]) {
      await assert.rejects(processImage(input), (err: unknown) => err instanceof AppError && err.status === 415);
    }
  });

  it('When a JPEG is over 50 megapixels, then it is refused with 413 before decoding', async () => {
    const input = await sharp({ create: { width: 9000, height: 6000, channels: 3, background: '#888888' } }).jpeg().toBuffer();
    await assert.rejects(processImage(input), (err: unknown) => err instanceof AppError && err.status === 413);
  });

  const rejections: Array<[string, number]> = [
    ['zero-bytes.jpg', 415],
    ['text-renamed.jpg', 415],
    ['script.svg', 415],
    ['exe-renamed.png', 415],
    ['pdf-renamed.jpg', 415],
    ['html-polyglot.jpg', 400],
    ['truncated.jpg', 400],
    ['bomb-20000x20000.png', 413],
  ];
  for (const [name, status] of rejections) {
    it(`When ${name} is processed, then it is refused with ${status} naming the accepted types`, async () => {
      await assert.rejects(processImage(fixture(name)), (err: unknown) => {
        assert.ok(err instanceof AppError);
        assert.equal(err.status, status);
        assert.match(err.message, /JPEG, PNG or WebP/);
        return true;
      });
    });
  }
});

describe('media: the processing queue (processing-queue.ts)', () => {
  it('When more jobs arrive than the concurrency, then at most that many run at once and all finish', async () => {
    const queue = createProcessingQueue({ concurrency: 2, maxWaiting: 10 });
    let running = 0;
    let peak = 0;
    const job = async (i: number) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      return i;
    };
    const results = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => queue.run(() => job(i))));
    assert.deepEqual(results, [0, 1, 2, 3, 4, 5]);
    assert.equal(peak, 2);
  });

  it('When the waiting line is full, then new work is refused with 503 and a failing job does not block the rest', async () => {
    const queue = createProcessingQueue({ concurrency: 1, maxWaiting: 1 });
    const slow = () => new Promise<string>((r) => setTimeout(() => r('ok'), 10));
    const a = queue.run(() => Promise.reject(new Error('boom')));
    const b = queue.run(slow);
    await assert.rejects(queue.run(slow), (err: unknown) => err instanceof AppError && err.status === 503);
    await assert.rejects(a, /boom/);
    assert.equal(await b, 'ok');
  });
});

describe('media: client file names (cleanFileName)', () => {
  it('When a name holds a path or control characters, then only a clean last segment remains', () => {
    assert.equal(cleanFileName('../../../etc/cron.d/evil.pdf', 'x.pdf'), 'evil.pdf');
    assert.equal(cleanFileName('..\\..\\boot.ini', 'x.pdf'), 'boot.ini');
    assert.equal(cleanFileName('a"b<c>\u0000.pdf', 'x.pdf'), 'abc.pdf');
    assert.equal(cleanFileName('...', 'x.pdf'), 'x.pdf');
    assert.equal(cleanFileName(undefined, 'x.pdf'), 'x.pdf');
  });
});
