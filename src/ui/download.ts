// Saves bytes as a file through a Blob and an object URL that is revoked right after: nothing leaves the page.

export function downloadBytes(bytes: Uint8Array, filename: string, type = 'application/octet-stream'): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  // The click starts the download synchronously from the URL; revoke once this task is over.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
