/**
 * The video track of a file, through mediabunny: the container read, the primary video track found and checked to
 * be decodable by this browser (WebCodecs), and its frame table scanned from the demuxer's packets.
 */
import { BlobSource, EncodedPacketSink, Input, MATROSKA, MP4, MPEG_TS, QTFF, UnsupportedInputFormatError, WEBM, type InputVideoTrack } from 'mediabunny';
import { SNIFF_BYTES, sniffImage } from '../input/sniff.js';
import { frameTable, type FrameTable } from './frame-table.js';
import { wholeMatroska } from './matroska-whole.js';
import { invalidVideo } from './video-errors.js';

/**
 * The containers read: those that hold video. Audio-only formats and HLS are left out, so that a bundler drops
 * their demuxers, and an MP3 is "not a video" rather than a file with no video track.
 */
const VIDEO_FORMATS = [MP4, QTFF, MATROSKA, WEBM, MPEG_TS];

const CONTAINERS = 'MP4, MOV, WebM, Matroska or MPEG-TS';

/** An opened file and its video track; `input.dispose()` frees both (and stops any decoding). */
export interface OpenedTrack {
  input: Input;
  track: InputVideoTrack;
  /** The codec, as a WebCodecs codec string where the container gives one (`vp8`, `vp09.00.10.08`, `avc1.42c01f`). */
  codec: string;
}

/**
 * Opens `blob` and finds its primary video track.
 *
 * @throws `INVALID_IMAGE`: `empty` (no bytes), `not_a_video` (no video container, or only other tracks),
 * `unsupported_codec` (with `details.codec`), `undecodable` (a container that cannot be parsed, or that lists no
 * track: cut short).
 */
export async function openTrack(blob: Blob): Promise<OpenedTrack> {
  if (blob.size === 0) throw invalidVideo('empty', 'the video file has no bytes');
  const input = new Input({ source: new BlobSource(await wholeMatroska(blob)), formats: VIDEO_FORMATS });
  try {
    const track = await primaryTrack(input, blob);
    return { input, track, codec: await decodableCodec(track) };
  } catch (error) {
    input.dispose();
    throw error;
  }
}

/**
 * The track's frames and which are key frames, from one pass over its packets' metadata (their data is not read)
 * and the container's duration. The count is the number of packets: one per frame in MP4, WebM and Matroska for the
 * codecs WebCodecs decodes (VP9's hidden frames ride in a superframe packet with the frame they precede; encoders
 * merge a VP8 alt-ref frame with the next one). A WebM or Matroska file cut short is read up to its last whole
 * block (`matroska-whole.ts`); an MP4's table (at its start) lists every frame, those past the cut included.
 */
export async function scanFrames(track: InputVideoTrack, fileBytes: number, stop: AbortSignal): Promise<FrameTable> {
  const timestamps: number[] = [];
  const keys: number[] = [];
  let end = -Infinity;
  // Each frame takes some bytes of the file (its data, its entry in the container's tables): a table that lists
  // more frames than that (an MP4 claiming 2^31 samples of one byte) is refused before it is walked to its end.
  const maxFrames = Math.floor(fileBytes / MIN_FRAME_BYTES);
  for await (const packet of new EncodedPacketSink(track).packets(undefined, undefined, { metadataOnly: true })) {
    timestamps.push(packet.timestamp);
    if (packet.type === 'key') keys.push(packet.timestamp);
    end = Math.max(end, packet.timestamp + packet.duration);
    if (timestamps.length > maxFrames) {
      throw invalidVideo('undecodable', `the video's container lists more frames than its ${fileBytes} bytes can hold: it is damaged`, { framesListed: timestamps.length });
    }
    // The packets come on microtasks: a long table would hold the page (and the call's deadline) until its end.
    if (timestamps.length % SCAN_YIELD_EVERY === 0) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      if (stop.aborted) throw stop.reason;
    }
  }
  return frameTable(timestamps, end, await track.getDurationFromMetadata(), keys);
}

/** The fewest bytes a frame takes in a file: a few bytes of data and of table (4 is below any encoder's frame). */
const MIN_FRAME_BYTES = 4;
/** Frames listed between two yields to the event loop while the table is read. */
const SCAN_YIELD_EVERY = 2048;

async function primaryTrack(input: Input, blob: Blob): Promise<InputVideoTrack> {
  let track: InputVideoTrack | null;
  try {
    track = await input.getPrimaryVideoTrack();
  } catch (cause) {
    if (cause instanceof UnsupportedInputFormatError) throw invalidVideo('not_a_video', `the data is not an ${CONTAINERS} video (${await describe(blob)})`, { type: blob.type || undefined }, cause);
    throw invalidVideo('undecodable', `the video container could not be read (${message(cause)})`, {}, cause);
  }
  if (track) return track;
  const format = (await input.getFormat()).name;
  // A container with no track at all is one whose track list was cut off: an MP4 whose moov (at the end) is
  // missing, a WebM cut inside its header.
  if ((await input.getTracks()).length === 0) throw invalidVideo('undecodable', `the ${format} file lists no tracks: it is cut short or damaged`, { suggestion: 'Check that the whole file was uploaded or downloaded.' });
  throw invalidVideo('not_a_video', `the ${format} file has no video track (audio only?)`);
}

async function decodableCodec(track: InputVideoTrack): Promise<string> {
  let codec: Awaited<ReturnType<InputVideoTrack['getCodec']>>;
  let name: string;
  let decodable: boolean;
  try {
    codec = await track.getCodec();
    name = (await track.getCodecParameterString()) ?? codec ?? internalCodec(await track.getInternalCodecId());
    decodable = codec !== null && (await track.canDecode());
  } catch (cause) {
    // A sample entry the demuxer cannot read (an AVC entry without its decoder configuration).
    throw invalidVideo('undecodable', `the video track's codec description could not be read (${message(cause)})`, {}, cause);
  }
  if (!decodable) {
    const why = typeof VideoDecoder === 'undefined' ? 'this browser has no WebCodecs VideoDecoder' : 'this browser cannot decode the video\'s codec';
    throw invalidVideo('unsupported_codec', `${why} (${name})`, {
      codec: name,
      suggestion: 'Re-encode the video as H.264 in MP4 or VP9 in WebM, which every browser decodes.',
    });
  }
  return name;
}

/** The container's own codec id (a fourcc, a Matroska CodecID) for a codec mediabunny does not know. */
function internalCodec(id: unknown): string {
  return typeof id === 'string' || typeof id === 'number' ? String(id) : 'unknown';
}

/** What the bytes are instead, for the error: an image (for `detect()`), text, or its first bytes. */
async function describe(blob: Blob): Promise<string> {
  const head = new Uint8Array(await blob.slice(0, SNIFF_BYTES).arrayBuffer());
  const image = sniffImage(head);
  if (image) return `it is a ${image.format.toUpperCase()} image: analyse it with detect()`;
  const text = String.fromCharCode(...head.subarray(0, 16));
  if (/^[\x09\x0a\x0d\x20-\x7e]*$/.test(text)) return 'it looks like text';
  return `it starts with bytes ${Array.from(head.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ')}`;
}

function message(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
