import { useState } from 'react';
import { useI18n } from '../i18n/i18n';

/** An image an examiner can enlarge (buttons or +/- keys) and pan by scrolling its frame. */
export function ZoomableImage({ src, alt }: { src: string; alt: string }) {
  const { t } = useI18n();
  const [zoom, setZoom] = useState(1);
  const change = (delta: number) => setZoom((z) => Math.min(4, Math.max(1, z + delta)));
  return (
    <figure className="zoomable">
      <div
        className="zoom-frame"
        tabIndex={0}
        role="group"
        aria-label={`${alt} — ${t('zoom.help')}`}
        onKeyDown={(e) => {
          if (e.key === '+' || e.key === '=') change(0.5);
          if (e.key === '-') change(-0.5);
        }}
      >
        <img src={src} alt={alt} style={{ width: `${zoom * 100}%` }} />
      </div>
      <figcaption className="zoom-controls">
        <button type="button" onClick={() => change(-0.5)} disabled={zoom <= 1} aria-label={t('zoom.out')}>
          −
        </button>
        <span aria-live="polite">{Math.round(zoom * 100)}%</span>
        <button type="button" onClick={() => change(0.5)} disabled={zoom >= 4} aria-label={t('zoom.in')}>
          +
        </button>
      </figcaption>
    </figure>
  );
}
