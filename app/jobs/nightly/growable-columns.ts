/** Growable typed columns for streamed rows: a million values are one typed array, not a million numbers in a list. */
class GrowableColumn<A extends Int32Array | Float64Array> {
  private data: A;
  length = 0;
  constructor(private readonly allocate: (size: number) => A) {
    this.data = allocate(1024);
  }
  push(value: number) {
    if (this.length === this.data.length) {
      const grown = this.allocate(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }
  /** The filled part, copied into an array of its own size (the spare capacity is released). */
  toArray(): A {
    return this.data.slice(0, this.length) as A;
  }
  view(): A {
    return this.data.subarray(0, this.length) as A;
  }
}

export class Int32Column extends GrowableColumn<Int32Array> {
  constructor() {
    super((size) => new Int32Array(size));
  }
}

export class Float64Column extends GrowableColumn<Float64Array> {
  constructor() {
    super((size) => new Float64Array(size));
  }
}
