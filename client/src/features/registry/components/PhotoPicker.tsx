import { useId } from 'react';
import { CameraIcon } from '../../../components/CameraIcon';
import { useI18n } from '../../../i18n/i18n';

/**
 * "Search by photo": the camera on a phone, a file on a desktop. The accept list makes phones hand
 * over a JPEG instead of HEIC.
 */
export function PhotoPicker({ onPick, label }: { onPick: (file: File) => void; label?: string }) {
  const { t } = useI18n();
  const id = useId();
  return (
    <div className="photo-picker">
      <input
        id={id}
        className="visually-hidden-input"
        type="file"
        accept="image/jpeg,image/png,image/webp"
        capture="environment"
        onChange={(e) => {
          const file = e.target.files?.[0];
          if (file) onPick(file);
          e.target.value = '';
        }}
      />
      <label htmlFor={id} className="button button-secondary">
        <CameraIcon />
        {label ?? t('photo.pick')}
      </label>
    </div>
  );
}
