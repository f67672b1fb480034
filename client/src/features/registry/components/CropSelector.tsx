import { useRef, useState, type PointerEvent } from 'react';
import { useI18n } from '../../../i18n/i18n';
import type { Crop } from '../api/registry';

const clamp = (v: number) => Math.min(1, Math.max(0, v));

/**
 * The user drags a rectangle over the part of the photo that shows the motif. Coordinates are
 * fractions of the image, measured from its top-left corner whatever the page direction.
 */
export function CropSelector({ src, crop, onChange }: { src: string; crop?: Crop; onChange: (crop: Crop | undefined) => void }) {
  const { t } = useI18n();
  const frame = useRef<HTMLDivElement>(null);
  const [start, setStart] = useState<{ x: number; y: number }>();
  const [draft, setDraft] = useState<Crop>();

  const point = (e: PointerEvent) => {
    const box = frame.current!.getBoundingClientRect();
    return { x: clamp((e.clientX - box.left) / box.width), y: clamp((e.clientY - box.top) / box.height) };
  };
  const rect = (a: { x: number; y: number }, b: { x: number; y: number }): Crop => ({
    x: Math.min(a.x, b.x),
    y: Math.min(a.y, b.y),
    w: Math.abs(a.x - b.x),
    h: Math.abs(a.y - b.y),
  });
  const shown = draft ?? crop;

  return (
    <div className="crop">
      <div
        ref={frame}
        className="crop-frame"
        onPointerDown={(e) => {
          e.currentTarget.setPointerCapture(e.pointerId);
          const p = point(e);
          setStart(p);
          setDraft({ ...p, w: 0, h: 0 });
        }}
        onPointerMove={(e) => start && setDraft(rect(start, point(e)))}
        onPointerUp={(e) => {
          if (!start) return;
          const r = rect(start, point(e));
          setStart(undefined);
          setDraft(undefined);
          // A tap is not a crop: keep the whole image.
          onChange(r.w > 0.05 && r.h > 0.05 ? r : undefined);
        }}
      >
        <img src={src} alt={t('photo.yourPhoto')} draggable={false} />
        {shown && shown.w > 0 && (
          <div
            className="crop-box"
            style={{ left: `${shown.x * 100}%`, top: `${shown.y * 100}%`, width: `${shown.w * 100}%`, height: `${shown.h * 100}%` }}
            aria-hidden="true"
          />
        )}
      </div>
      <p className="hint">{crop ? t('photo.cropSet') : t('photo.cropHint')}</p>
      {crop && (
        <button type="button" className="link-button" onClick={() => onChange(undefined)}>
          {t('photo.cropClear')}
        </button>
      )}
    </div>
  );
}
