/**
 * A windowed list: only the rows in view (plus a few) are in the DOM, so 10,000 checks or incidents scroll as
 * smoothly as ten. Rows have one fixed height; the list is a scrollable region with a label for screen readers.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';

export interface VirtualListProps<T> {
  items: readonly T[];
  rowHeight: number;
  /** Visible height in px. */
  height: number;
  label: string;
  keyOf: (item: T) => string;
  renderRow: (item: T, index: number) => ComponentChildren;
  overscan?: number;
}

export function VirtualList<T>(props: VirtualListProps<T>) {
  const { items, rowHeight, height, label, keyOf, renderRow, overscan = 8 } = props;
  const ref = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const onScroll = () => setScrollTop(element.scrollTop);
    element.addEventListener('scroll', onScroll, { passive: true });
    return () => element.removeEventListener('scroll', onScroll);
  }, []);
  const total = items.length * rowHeight;
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(items.length, Math.ceil((scrollTop + height) / rowHeight) + overscan);
  const visible = items.slice(first, last);
  return (
    <div
      ref={ref}
      class="virtual-list"
      role="list"
      aria-label={label}
      tabIndex={0}
      style={{ height: `${Math.min(height, Math.max(total, rowHeight))}px` }}
    >
      <div style={{ height: `${total}px`, position: 'relative' }}>
        {visible.map((item, offset) => (
          <div
            key={keyOf(item)}
            role="listitem"
            class="virtual-row"
            style={{
              position: 'absolute',
              top: `${(first + offset) * rowHeight}px`,
              height: `${rowHeight}px`,
            }}
          >
            {renderRow(item, first + offset)}
          </div>
        ))}
      </div>
    </div>
  );
}
