/**
 * The integration page, loaded when first opened: its charts bring uPlot, which the overview (the page most loads
 * start on) does not need, so the first bundle stays small.
 */
import { useEffect, useState } from 'preact/hooks';
import { ErrorNote } from '../use-data';
import type * as IntegrationPageModule from './integration-page';

type Module = typeof IntegrationPageModule;

let loaded: Promise<Module> | undefined;

export function LazyIntegrationPage(props: { id: string }) {
  const [module, setModule] = useState<Module>();
  const [error, setError] = useState<Error>();
  useEffect(() => {
    loaded ??= import('./integration-page');
    loaded.then(setModule, (failure: unknown) => {
      loaded = undefined;
      setError(failure instanceof Error ? failure : new Error(String(failure)));
    });
  }, []);
  if (module) return <module.IntegrationPage id={props.id} />;
  return error ? <ErrorNote error={error} /> : <p class="muted">Loading…</p>;
}
