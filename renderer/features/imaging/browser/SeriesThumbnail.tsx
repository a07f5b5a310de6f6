import { useEffect, useRef, useState } from 'react';
import type { SeriesSummary, StudyRef } from '../../../../preload/contract';
import { seriesThumbnail, THUMBNAIL_SIZE } from './thumbnails';

/** The middle slice of a series on a small canvas; a quiet placeholder while it loads or if it fails. */
export function SeriesThumbnail({ study, series }: { study: StudyRef; series: SeriesSummary }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [state, setState] = useState<'loading' | 'ready' | 'failed'>('loading');
  const [error, setError] = useState('');
  useEffect(() => {
    let live = true;
    setState('loading');
    seriesThumbnail(study, series).then(
      (image) => {
        if (!live) return;
        canvas.current?.getContext('2d')?.putImageData(image, 0, 0);
        setState('ready');
      },
      (e: Error) => {
        if (!live) return;
        setError(e.message);
        setState('failed');
      },
    );
    return () => {
      live = false;
    };
  }, [study, series]);
  return (
    <canvas
      ref={canvas}
      className="thumbnail"
      width={THUMBNAIL_SIZE}
      height={THUMBNAIL_SIZE}
      data-state={state}
      title={state === 'failed' ? `No thumbnail: ${error}` : undefined}
      aria-hidden="true"
    />
  );
}
