/**
 * Test-page module of the video fixtures: draws each frame on a canvas (a photo per segment, and the frame's
 * index as a bar code along the bottom), encodes the frames with WebCodecs' `VideoEncoder`, and muxes them with
 * mediabunny into a WebM or MP4 file. The files are kept in the page (`window.testVideos[name]`), so that tests
 * use them without sending them back and forth.
 */
// mediabunny is a dependency of @emolens/core only: imported by path, it resolves to the very module the SDK's
// video module imports (one instance in the page; a second one warns and may misbehave).
import { ALL_FORMATS, BufferSource, BufferTarget, EncodedPacket, EncodedPacketSink, EncodedVideoPacketSource, Input, Mp4OutputFormat, Output, WebMOutputFormat } from '../../../packages/core/node_modules/mediabunny/dist/modules/src/index.js';

/** The codecs a fixture can use: VP8 and VP9 in WebM, H.264 (baseline) in MP4. */
export type FixtureCodec = 'vp8' | 'vp9' | 'avc';

/** One segment of a fixture: `frames` frames showing the photo at `photoUrl`. */
export interface FixtureSegment {
  label: string;
  photoUrl: string;
  frames: number;
}

/** What to encode. */
export interface FixtureSpec {
  name: string;
  codec: FixtureCodec;
  fps: number;
  width: number;
  height: number;
  /** A key frame every this many frames (the first is one). */
  keyFrameInterval: number;
  segments: FixtureSegment[];
  /** MP4 only: the frame table (moov) at the end, as a camera writes it, instead of at the start. */
  moovAtEnd?: boolean;
  /** The container's rotation (clockwise), as a phone records a portrait video: the frames are stored unrotated. */
  rotation?: 0 | 90 | 180 | 270;
  /**
   * MP4 only: the first this many frames are before the video's start (negative times), and an edit list trims
   * them, as in a file cut with `ffmpeg -ss … -c copy`: they are decoded (the key frame is among them) but a player
   * never shows them.
   */
  preRollFrames?: number;
}

/** What was encoded. */
export interface EncodedFixture {
  container: 'webm' | 'mp4';
  /** The encoder's codec string. */
  codecString: string;
  /** Each frame's timestamp in ms as the container stores it: whole ms in WebM, exact frame times in MP4. */
  timestampsMs: number[];
  byteLength: number;
  /** The file, base64 (for tests that serve it or cut it). */
  base64: string;
}

/** Height of the bar code of the frame index, along the bottom of each frame. */
export const MARKER_HEIGHT = 32;
/** Bits of the bar code: frames 0 to 1023. */
export const MARKER_BITS = 10;

const CODEC_STRINGS: Record<FixtureCodec, string> = { vp8: 'vp8', vp9: 'vp09.00.10.08', avc: 'avc1.42001f' };

declare global {
  interface Window {
    testVideos?: Record<string, Blob>;
  }
}

/** Whether this browser's `VideoEncoder` can encode the codec at that size. */
export async function canEncode(codec: FixtureCodec, width: number, height: number): Promise<boolean> {
  if (typeof VideoEncoder === 'undefined') return false;
  const support = await VideoEncoder.isConfigSupported(encoderConfig(codec, width, height, 30)).catch(() => ({ supported: false }));
  return support.supported === true;
}

/** Encodes the fixture, keeps it as `window.testVideos[spec.name]`, and describes it. */
export async function encodeFixture(spec: FixtureSpec): Promise<EncodedFixture> {
  const container = spec.codec === 'avc' ? 'mp4' : 'webm';
  const photos = await Promise.all(spec.segments.map(async (s) => createImageBitmap(await (await fetch(s.photoUrl)).blob(), { imageOrientation: 'from-image' })));
  const canvas = new OffscreenCanvas(spec.width, spec.height);
  const context = canvas.getContext('2d')!;
  const chunks: { chunk: EncodedVideoChunk; meta: EncodedVideoChunkMetadata | undefined }[] = [];
  let failure: unknown;
  const encoder = new VideoEncoder({ output: (chunk, meta) => chunks.push({ chunk, meta }), error: (e) => (failure = e) });
  encoder.configure(encoderConfig(spec.codec, spec.width, spec.height, spec.fps));
  const timestampsMs: number[] = [];
  let index = 0;
  for (const [s, segment] of spec.segments.entries()) {
    for (let f = 0; f < segment.frames; f++, index++) {
      drawFrame(context, spec, photos[s]!, index);
      // Exact frame times in µs; the container then stores them in its own time base.
      const timestamp = Math.round((index * 1e6) / spec.fps);
      const duration = Math.round(((index + 1) * 1e6) / spec.fps) - timestamp;
      timestampsMs.push(container === 'webm' ? Math.round((index * 1000) / spec.fps) : Math.round((index * 1e6) / spec.fps) / 1000);
      const frame = new VideoFrame(canvas, { timestamp, duration });
      encoder.encode(frame, { keyFrame: index % spec.keyFrameInterval === 0 });
      frame.close();
      while (encoder.encodeQueueSize > 4) await new Promise((r) => encoder.addEventListener('dequeue', r, { once: true }));
    }
  }
  await encoder.flush();
  encoder.close();
  photos.forEach((p) => p.close());
  if (failure) throw failure;
  const output = new Output({
    format: container === 'webm' ? new WebMOutputFormat() : new Mp4OutputFormat({ fastStart: spec.moovAtEnd ? false : 'in-memory' }),
    target: new BufferTarget(),
  });
  const source = new EncodedVideoPacketSource(spec.codec);
  // MP4: a time base of the frame rate, so that frame times are exact (WebM's is 1 ms whatever is asked).
  output.addVideoTrack(source, { ...(container === 'mp4' ? { frameRate: spec.fps } : {}), rotation: spec.rotation ?? 0 });
  await output.start();
  const preRollUs = Math.round(((spec.preRollFrames ?? 0) * 1e6) / spec.fps);
  for (const { chunk, meta } of chunks) {
    const packet = EncodedPacket.fromEncodedChunk(chunk);
    await source.add(preRollUs === 0 ? packet : packet.clone({ timestamp: packet.timestamp - preRollUs / 1e6 }), meta);
  }
  await output.finalize();
  const bytes = new Uint8Array(output.target.buffer!);
  (window.testVideos ??= {})[spec.name] = new Blob([bytes], { type: container === 'webm' ? 'video/webm' : 'video/mp4' });
  return { container, codecString: CODEC_STRINGS[spec.codec], timestampsMs, byteLength: bytes.byteLength, base64: toBase64(bytes) };
}

/**
 * An MP4 whose one video track is HEVC (H.265), which Chromium without a platform decoder cannot decode: a valid
 * container and decoder configuration around packets that are never decoded. Kept as `window.testVideos.hevc`.
 */
export async function unsupportedHevc(): Promise<void> {
  const output = new Output({ format: new Mp4OutputFormat({ fastStart: 'in-memory' }), target: new BufferTarget() });
  const source = new EncodedVideoPacketSource('hevc');
  output.addVideoTrack(source, { frameRate: 30 });
  await output.start();
  // An HEVCDecoderConfigurationRecord with no parameter sets: Main profile, level 3.1, 4:2:0, 8 bits, 4-byte lengths.
  const description = new Uint8Array([1, 1, 0x60, 0, 0, 0, 0x90, 0, 0, 0, 0, 0, 93, 0xf0, 0, 0xfc, 0xfd, 0xf8, 0xf8, 0, 0, 0x0f, 0]);
  const decoderConfig = { codec: 'hvc1.1.6.L93.90', codedWidth: 640, codedHeight: 480, description };
  for (let i = 0; i < 30; i++) {
    await source.add(new EncodedPacket(new Uint8Array([0, 0, 0, 2, 0x26, 0x01]), i === 0 ? 'key' : 'delta', i / 30, 1 / 30), i === 0 ? { decoderConfig } : undefined);
  }
  await output.finalize();
  (window.testVideos ??= {})['hevc'] = new Blob([output.target.buffer!], { type: 'video/mp4' });
}

/**
 * The frame index drawn in a frame's bar code (read at the middle of each bar), in a frame shown rotated clockwise
 * by `rotation` (the bar code is then along another edge).
 */
export function readMarker(bitmap: ImageBitmap, rotation: 0 | 90 | 180 | 270 = 0): number {
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d', { willReadFrequently: true })!;
  context.drawImage(bitmap, 0, 0);
  // The size and a point of the frame as encoded, then where that point is shown.
  const [width, height] = rotation % 180 === 0 ? [bitmap.width, bitmap.height] : [bitmap.height, bitmap.width];
  const shown = (x: number, y: number): [number, number] =>
    rotation === 90 ? [height - 1 - y, x] : rotation === 180 ? [width - 1 - x, height - 1 - y] : rotation === 270 ? [y, width - 1 - x] : [x, y];
  const bar = width / MARKER_BITS;
  let value = 0;
  for (let bit = 0; bit < MARKER_BITS; bit++) {
    const [x, y] = shown(Math.floor((bit + 0.5) * bar), height - MARKER_HEIGHT / 2);
    const [r, g, b] = context.getImageData(x, y, 1, 1).data;
    if (r! + g! + b! > 3 * 128) value |= 1 << bit;
  }
  return value;
}

function encoderConfig(codec: FixtureCodec, width: number, height: number, fps: number): VideoEncoderConfig {
  return {
    codec: CODEC_STRINGS[codec],
    width,
    height,
    framerate: fps,
    bitrate: 1_000_000,
    // MP4 needs the avcC description, which the encoder gives only in 'avc' format.
    ...(codec === 'avc' ? { avc: { format: 'avc' } } : {}),
  } as VideoEncoderConfig;
}

/** The segment's photo, letterboxed above the bar code, and the bar code of `index` (bit 0 on the left). */
function drawFrame(context: OffscreenCanvasRenderingContext2D, spec: FixtureSpec, photo: ImageBitmap, index: number): void {
  const { width, height } = spec;
  context.fillStyle = '#000';
  context.fillRect(0, 0, width, height);
  const area = height - MARKER_HEIGHT;
  const scale = Math.min(width / photo.width, area / photo.height);
  const w = photo.width * scale;
  const h = photo.height * scale;
  context.drawImage(photo, (width - w) / 2, (area - h) / 2, w, h);
  const bar = width / MARKER_BITS;
  for (let bit = 0; bit < MARKER_BITS; bit++) {
    context.fillStyle = (index >> bit) & 1 ? '#fff' : '#000';
    context.fillRect(Math.round(bit * bar), area, Math.round((bit + 1) * bar) - Math.round(bit * bar), MARKER_HEIGHT);
  }
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/**
 * Damages the data of the frames at `indices` (in presentation order) of the page's video `name`, as a disk or a
 * network corrupts a file: each frame's bytes are overwritten with 0xff, the container around them left whole.
 * Keeps the result as `window.testVideos[as]`.
 */
export async function damageFrames(name: string, indices: readonly number[], as: string): Promise<void> {
  const blob = window.testVideos![name]!;
  const bytes = new Uint8Array(await blob.arrayBuffer());
  const input = new Input({ source: new BufferSource(bytes.slice()), formats: ALL_FORMATS });
  const packets: EncodedPacket[] = [];
  for await (const packet of new EncodedPacketSink((await input.getPrimaryVideoTrack())!).packets()) packets.push(packet);
  packets.sort((a, b) => a.timestamp - b.timestamp);
  for (const index of indices) {
    const data = packets[index]!.data;
    const at = indexOf(bytes, data);
    if (at < 0) throw new Error(`frame ${index}'s data is not in the file as one run of bytes`);
    bytes.fill(0xff, at, at + data.byteLength);
  }
  input.dispose();
  (window.testVideos ??= {})[as] = new Blob([bytes], { type: blob.type });
}

/** Where `needle` first occurs in `haystack`, or -1. */
function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
