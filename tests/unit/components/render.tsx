import type { ComponentChildren } from 'preact';
import { render } from '@testing-library/preact';
import { DbProvider } from '@/components/hooks/db';
import { I18nProvider } from '@/components/hooks/i18n';
import type { HashmarkDb } from '@/utils/db';
import type { Lang } from '@/utils/i18n';

/** Renders a component with a test database and a language, as the extension pages do. */
export function renderWith(ui: ComponentChildren, o: { db: HashmarkDb; lang?: Lang }) {
  return render(
    <DbProvider db={o.db}>
      <I18nProvider lang={o.lang ?? 'en'}>{ui}</I18nProvider>
    </DbProvider>,
  );
}
