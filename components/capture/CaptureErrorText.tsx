import { isCaptureErrorCode } from '@/utils/capture/errors';
import { useI18n } from '../hooks/i18n';

/**
 * A capture failure in the interface's language when its code is known; otherwise the
 * background's English words (older jobs, unexpected errors), marked as English. The technical
 * detail (the browser's or the page's own words) is shown as it came, left to right.
 */
export function CaptureErrorText(props: { code?: string | undefined; detail?: string | undefined; text: string }) {
  const tr = useI18n();
  if (!isCaptureErrorCode(props.code)) {
    return (
      <span lang="en" dir="ltr">
        {props.text}
      </span>
    );
  }
  const msg = tr.t(`captureError.${props.code}`);
  const at = msg.indexOf('{detail}');
  if (at < 0) return <span>{msg}</span>;
  return (
    <span>
      {msg.slice(0, at)}
      <bdi dir="ltr" lang="en">
        {props.detail ?? ''}
      </bdi>
      {msg.slice(at + '{detail}'.length)}
    </span>
  );
}
