/** Growable typed columns for streamed rows: a million values are one typed array, not a million numbers in a list. */
export class Int32Column {
  data = new Int32Array(1024);
  length = 0;
  push(value: number) {
    if (this.length === this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }
  /** The filled part, copied into an array of its own size (the spare capacity is released). */
  toArray() {
    return this.data.slice(0, this.length);
  }
  view() {
    return this.data.subarray(0, this.length);
  }
}

export class Float64Column {
  data = new Float64Array(1024);
  length = 0;
  push(value: number) {
    if (this.length === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }
  toArray() {
    return this.data.slice(0, this.length);
  }
  view() {
    return this.data.subarray(0, this.length);
  }
}
