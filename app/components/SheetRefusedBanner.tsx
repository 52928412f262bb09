import { Banner } from "@shopify/polaris";

/** A refused spend sheet: why, and each line that could not be read (nothing of the sheet was saved). */
export function SheetRefusedBanner({
  message,
  lineErrors,
}: {
  message: string;
  lineErrors: { line: number; message: string }[];
}) {
  return (
    <Banner tone="critical" title={message}>
      {lineErrors.length > 0 && (
        <ul>
          {lineErrors.map((e) => (
            <li key={e.line}>{`Line ${e.line}: ${e.message}`}</li>
          ))}
        </ul>
      )}
    </Banner>
  );
}
