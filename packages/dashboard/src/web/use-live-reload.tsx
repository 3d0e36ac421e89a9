/** Refetching a view when live events say its data changed: at most once per `delayMs`, and at once on `reset`. */
import { useCallback, useEffect, useRef } from 'preact/hooks';
import { useLive, type LiveMessage } from './live';

export function useLiveReload(
  reload: () => void,
  concerns: (message: LiveMessage) => boolean,
  delayMs = 500,
): void {
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const latest = useRef({ reload, concerns });
  latest.current = { reload, concerns };
  useEffect(() => () => clearTimeout(timer.current), []);
  const onMessage = useCallback(
    (message: LiveMessage) => {
      if (message.type === 'reset') {
        clearTimeout(timer.current);
        timer.current = undefined;
        latest.current.reload();
        return;
      }
      if (!latest.current.concerns(message) || timer.current !== undefined) return;
      timer.current = setTimeout(() => {
        timer.current = undefined;
        latest.current.reload();
      }, delayMs);
    },
    [delayMs],
  );
  useLive(onMessage);
}
