/**
 * A CSV download. Standalone (demo, WooCommerce embed): a plain link, the cookie authenticates it. Embedded in
 * Shopify: the request needs the session token, which App Bridge adds to fetch(), so the file is fetched and
 * saved from a blob.
 */
import { Button } from "@shopify/polaris";
import { useState } from "react";

export function DownloadButton({
  url,
  filename,
  embedded,
  children,
}: {
  url: string;
  filename: string;
  embedded: boolean;
  children: string;
}) {
  const [busy, setBusy] = useState(false);
  if (!embedded) {
    return (
      <Button url={url} download={filename} external={false}>
        {children}
      </Button>
    );
  }
  const download = async () => {
    setBusy(true);
    try {
      const response = await fetch(url);
      const blob = await response.blob();
      const href = URL.createObjectURL(blob);
      const link = document.createElement("a");
      link.href = href;
      link.download = filename;
      link.click();
      URL.revokeObjectURL(href);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button onClick={download} loading={busy}>
      {children}
    </Button>
  );
}
