/**
 * mediabunny's `VideoSampleSink`, but for damaged data. Where WebCodecs refuses a packet (`EncodingError`),
 * mediabunny's iterator throws at once and closes the frames it had decoded ahead of the consumer: up to ~40 whole
 * frames near where decoding started, 8 elsewhere, lost with the damaged one whenever the consumer is slower than the
 * decoder (the detector's worker is). This sink holds the decoder's refusal back instead: the packets after it are
 * dropped, the iterator gives the frames decoded before it and then waits, and {@link DamageHoldingSink.whenHeld}
 * settles with the refusal, so that the reader can end the run after the last good frame.
 *
 * It does so through mediabunny's `_createDecoder` (internal, not in its types), which is why @emolens/core depends
 * on one exact mediabunny version: check this hook (and the damaged-data tests) when moving to another. A mediabunny
 * without that method never calls the override: the sink is then a plain `VideoSampleSink`, as before.
 */
import { VideoSampleSink, type EncodedPacket, type InputVideoTrack, type VideoSample } from 'mediabunny';

/** The part of mediabunny's decoder wrapper its sample iterator uses. */
interface SinkDecoder {
  decode(packet: EncodedPacket): void;
  flush(): Promise<void>;
  getDecodeQueueSize(): number;
  close(): void;
}

type CreateDecoder = (this: VideoSampleSink, onSample: (sample: VideoSample) => void, onError: (error: unknown) => void) => Promise<SinkDecoder>;

const createBaseDecoder = (VideoSampleSink.prototype as unknown as { _createDecoder?: CreateDecoder })._createDecoder;

/** WebCodecs' error for data its decoder cannot decode (`EncodingError`: "Decoding error."). */
export function isDecodeError(error: unknown): boolean {
  return typeof DOMException !== 'undefined' && error instanceof DOMException && error.name === 'EncodingError';
}

export class DamageHoldingSink extends VideoSampleSink {
  private held = false;
  private heldRefusal: unknown;
  /** The pending {@link DamageHoldingSink.whenHeld} wait, the latest only. */
  private waiter: (() => void) | undefined;

  constructor(track: InputVideoTrack) {
    super(track);
  }

  /** The decoder's refusal of a packet, once it refused one (the iterator then ends after the frames before it). */
  get refusal(): unknown {
    return this.heldRefusal;
  }

  /**
   * A promise to race one `next()` of the iterator with: it settles with the decoder's refusal a task after the
   * decoder refused a packet (the frames decoded before it reach the iterator's queue before then, and a `next()`
   * gives a queued frame at once), and never while the data decodes. Each call replaces the previous call's wait,
   * so that racing every `next()` of a long video holds one wait, not one per frame.
   */
  whenHeld(): Promise<{ refusal: unknown }> {
    return new Promise((resolve) => {
      const settle = () => void setTimeout(() => resolve({ refusal: this.heldRefusal }), 0);
      if (this.held) settle();
      else this.waiter = settle;
    });
  }

  /** mediabunny's hook (see the module's comment): its decoder, with a refusal held back and what follows dropped. */
  async _createDecoder(onSample: (sample: VideoSample) => void, onError: (error: unknown) => void): Promise<SinkDecoder> {
    const decoder = await createBaseDecoder!.call(this, onSample, (error) => {
      if (!isDecodeError(error) || this.held) return onError(error);
      this.held = true;
      this.heldRefusal = error;
      this.waiter?.();
      this.waiter = undefined;
    });
    return {
      // The refusal closed the decoder: feeding it more would throw, and mediabunny would take that for the error.
      decode: (packet) => {
        if (!this.held) decoder.decode(packet);
      },
      flush: () => (this.held ? Promise.resolve() : decoder.flush()),
      getDecodeQueueSize: () => (this.held ? 0 : decoder.getDecodeQueueSize()),
      close: () => decoder.close(),
    };
  }
}
