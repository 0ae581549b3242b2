// Facts of a PCL XL section (PROTOCOLS.md §8), from the operators the tokenizer reports.
//
// - pages: the number of BeginPage operators.
// - duplex: true if any BeginPage carries DuplexPageMode, false if pages carry only
//   SimplexPageMode, absent if no page says.
// - copies: the largest PageCopies on an EndPage. Drivers (and gs) write the same value on
//   every page; when they differ, the largest is reported so that a quota check never
//   under-counts.
// - colour, per page: SetColorSpace eRGB/eSRGB makes the page a candidate; it is colour
//   when a non-grey RGBColor is used, or an image / raster pattern is started in an RGB
//   space, unless the image is indexed through an all-grey palette. Ghostscript's
//   pxlcolor writes grey vector content in eGray and grey images as eRGB with an indexed
//   grey palette, so grey documents come out as not colour. Direct-pixel RGB images are
//   counted as colour without looking at the pixels (their data is not buffered).
// The job is colour when any page is.
import type { SectionFacts, SectionInspector } from './types.js';
import { PclXlTokenizer, type PclXlAttr, type PclXlStatus, type PclXlValue } from './pclxl-tokenizer.js';

const OP_BEGIN_PAGE = 0x43;
const OP_END_PAGE = 0x44;
const OP_SET_COLOR_SPACE = 0x6a;
const OP_BEGIN_IMAGE = 0xb0;
const OP_BEGIN_RAST_PATTERN = 0xb3;

const ATTR_PALETTE_DEPTH = 0x02;
const ATTR_COLOR_SPACE = 0x03;
const ATTR_PALETTE_DATA = 0x06;
const ATTR_RGB_COLOR = 0x0b;
const ATTR_PAGE_COPIES = 0x31;
const ATTR_SIMPLEX_PAGE_MODE = 0x34;
const ATTR_DUPLEX_PAGE_MODE = 0x35;
const ATTR_COLOR_MAPPING = 0x64;

const COLOR_SPACE_GRAY = 1;
const COLOR_SPACE_RGB = 2;
const COLOR_SPACE_SRGB = 6;
const INDEXED_PIXEL = 1;

/** A PCL XL section inspector; `problem()` names a malformation met, if any. */
export interface PclXlInspector extends SectionInspector {
  problem(): string | null;
  /** Tokenizer state, for tests and diagnostics. */
  status(): PclXlStatus;
}

function attr(attrs: readonly PclXlAttr[], id: number): PclXlValue | null {
  for (const a of attrs) if (a.id === id) return a.value;
  return null;
}

function scalar(v: PclXlValue | null): number | null {
  return v && v.nums && v.nums.length >= 1 ? v.nums[0] : null;
}

function isGreyTriples(nums: readonly number[]): boolean {
  for (let i = 0; i + 2 < nums.length; i += 3) {
    if (nums[i] !== nums[i + 1] || nums[i] !== nums[i + 2]) return false;
  }
  return true;
}

class PclXlFacts {
  pages = 0;
  inPage = false;
  duplexSeen = false;
  simplexSeen = false;
  copies: number | null = null;
  anyColourPage = false;
  // Per page:
  rgbSpace = false;
  colour = false;
  /** True when the current RGB palette is known and all grey. */
  greyPalette = false;

  operator(op: number, attrs: readonly PclXlAttr[]): void {
    switch (op) {
      case OP_BEGIN_PAGE:
        this.beginPage(attrs);
        break;
      case OP_END_PAGE:
        this.endPage(attrs);
        break;
      case OP_SET_COLOR_SPACE:
        this.setColorSpace(attrs);
        break;
      case OP_BEGIN_IMAGE:
      case OP_BEGIN_RAST_PATTERN:
        if (this.inPage && this.rgbSpace) {
          const indexed = scalar(attr(attrs, ATTR_COLOR_MAPPING)) === INDEXED_PIXEL;
          if (!(indexed && this.greyPalette)) this.colour = true;
        }
        break;
      default:
        break;
    }
    const rgb = attr(attrs, ATTR_RGB_COLOR);
    if (this.inPage && rgb && rgb.nums && rgb.nums.length >= 3 && !isGreyTriples(rgb.nums.slice(0, 3))) {
      this.colour = true;
    }
  }

  private beginPage(attrs: readonly PclXlAttr[]): void {
    if (this.inPage) this.closePage();
    this.pages++;
    this.inPage = true;
    // BeginPage resets the graphics state: the page starts in the default grey space.
    this.rgbSpace = false;
    this.colour = false;
    this.greyPalette = false;
    if (attr(attrs, ATTR_DUPLEX_PAGE_MODE)) this.duplexSeen = true;
    else if (attr(attrs, ATTR_SIMPLEX_PAGE_MODE)) this.simplexSeen = true;
  }

  private endPage(attrs: readonly PclXlAttr[]): void {
    const n = scalar(attr(attrs, ATTR_PAGE_COPIES));
    if (n !== null && Number.isInteger(n) && n >= 1) this.copies = Math.max(this.copies ?? 0, n);
    if (this.inPage) this.closePage();
  }

  private closePage(): void {
    if (this.colour) this.anyColourPage = true;
    this.inPage = false;
  }

  private setColorSpace(attrs: readonly PclXlAttr[]): void {
    const cs = scalar(attr(attrs, ATTR_COLOR_SPACE));
    if (cs === COLOR_SPACE_RGB || cs === COLOR_SPACE_SRGB) {
      // The page becomes a colour candidate; only non-grey use below makes it colour.
      this.rgbSpace = true;
      const palette = attr(attrs, ATTR_PALETTE_DATA);
      const depth = scalar(attr(attrs, ATTR_PALETTE_DEPTH));
      // Only an 8-bit palette that was stored whole can be checked entry by entry.
      this.greyPalette =
        palette !== null && palette.nums !== null && (depth === null || depth === 2) && isGreyTriples(palette.nums);
    } else if (cs === COLOR_SPACE_GRAY) {
      this.rgbSpace = false;
      this.greyPalette = false;
    }
  }

  result(status: PclXlStatus, headerRead: boolean): SectionFacts {
    if (status === 'ascii') return { pages: null };
    if (!headerRead) return {};
    const facts: SectionFacts = { pages: this.pages };
    if (this.pages > 0) facts.color = this.anyColourPage || (this.inPage && this.colour);
    if (this.duplexSeen) facts.duplex = true;
    else if (this.simplexSeen) facts.duplex = false;
    if (this.copies !== null) facts.copies = this.copies;
    return facts;
  }
}

export function createPclXlInspector(): PclXlInspector {
  const facts = new PclXlFacts();
  const tokenizer = new PclXlTokenizer((op, attrs) => facts.operator(op, attrs));
  return {
    write(chunk: Buffer): void {
      tokenizer.write(chunk);
    },
    end(): void {
      tokenizer.end();
    },
    result(): SectionFacts {
      return facts.result(tokenizer.status, tokenizer.headerRead);
    },
    problem(): string | null {
      return tokenizer.status === 'malformed' ? 'MALFORMED_PCLXL' : null;
    },
    status(): PclXlStatus {
      return tokenizer.status;
    },
  };
}
