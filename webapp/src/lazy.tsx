// A page loaded on first use, as its own script chunk: the admin's and the
// instructor's pages stay out of the first load every student's phone makes.
// Once loaded (and cached by the service worker) it renders like any page.
import type { FunctionComponent } from "preact";
import { useEffect, useState } from "preact/hooks";
import { Frame, Loading } from "./ui";

type Page = FunctionComponent<{ params: Record<string, string> }>;

export function lazy(load: () => Promise<Page>): Page {
  let page: Page | undefined;
  let loading: Promise<Page> | undefined;
  return function Lazy(props) {
    const [, setLoaded] = useState(0);
    const [error, setError] = useState("");
    const [tries, setTries] = useState(0);
    useEffect(() => {
      if (page) return;
      let live = true;
      loading ??= load();
      loading.then(
        (p) => {
          page = p;
          if (live) setLoaded((n) => n + 1);
        },
        () => {
          loading = undefined;
          if (live) setError("This page did not load. Check your signal and try again.");
        },
      );
      return () => {
        live = false;
      };
    }, [tries]);
    if (page) {
      const P = page;
      return <P {...props} />;
    }
    return (
      <Frame title="Opening…">
        <Loading
          error={error}
          reload={() => {
            setError("");
            setTries((n) => n + 1);
          }}
        >
          {() => null}
        </Loading>
      </Frame>
    );
  };
}
