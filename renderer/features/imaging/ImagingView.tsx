import { useEffect, useState } from 'react';
import { probeCodec, type CodecProbeResult } from './codecProbe';

/** The imaging workspace; loaded lazily so coders never pay for the viewer. */
export default function ImagingView() {
  const [codec, setCodec] = useState<CodecProbeResult | null>(null);
  useEffect(() => {
    let live = true;
    void probeCodec().then((result) => live && setCodec(result));
    return () => {
      live = false;
    };
  }, []);
  return (
    <section aria-labelledby="imaging-title">
      <h1 id="imaging-title">Imaging</h1>
      <p className="muted">No studies on this station yet.</p>
      <dl className="facts">
        <dt>HTJ2K decoder</dt>
        <dd data-testid="codec-status" data-state={codec === null ? 'loading' : codec.ok ? 'ready' : 'failed'}>
          {codec === null ? 'Starting…' : codec.ok ? `Ready (compiled in ${Math.round(codec.ms)} ms)` : `Unavailable: ${codec.error}`}
        </dd>
      </dl>
    </section>
  );
}
