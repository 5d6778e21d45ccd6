// Generated from sdk-js-guest by `npm run build`; do not edit.
(() => {
  var __create = Object.create;
  var __defProp = Object.defineProperty;
  var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
  var __getOwnPropNames = Object.getOwnPropertyNames;
  var __getProtoOf = Object.getPrototypeOf;
  var __hasOwnProp = Object.prototype.hasOwnProperty;
  var __commonJS = (cb, mod) => function __require() {
    return mod || (0, cb[__getOwnPropNames(cb)[0]])((mod = { exports: {} }).exports, mod), mod.exports;
  };
  var __copyProps = (to, from, except, desc) => {
    if (from && typeof from === "object" || typeof from === "function") {
      for (let key of __getOwnPropNames(from))
        if (!__hasOwnProp.call(to, key) && key !== except)
          __defProp(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable });
    }
    return to;
  };
  var __toESM = (mod, isNodeMode, target2) => (target2 = mod != null ? __create(__getProtoOf(mod)) : {}, __copyProps(
    // If the importer is in node compatibility mode or this is not an ESM
    // file that has been converted to a CommonJS file using a Babel-
    // compatible transform (i.e. "__esModule" has not been set), then set
    // "default" to the CommonJS "module.exports" for node compatibility.
    isNodeMode || !mod || !mod.__esModule ? __defProp(target2, "default", { value: mod, enumerable: true }) : target2,
    mod
  ));

  // node_modules/flatbuffers/js/flexbuffers/bit-width.js
  var require_bit_width = __commonJS({
    "node_modules/flatbuffers/js/flexbuffers/bit-width.js"(exports) {
      "use strict";
      Object.defineProperty(exports, "__esModule", { value: true });
      exports.BitWidth = void 0;
      var BitWidth;
      (function(BitWidth2) {
        BitWidth2[BitWidth2["WIDTH8"] = 0] = "WIDTH8";
        BitWidth2[BitWidth2["WIDTH16"] = 1] = "WIDTH16";
        BitWidth2[BitWidth2["WIDTH32"] = 2] = "WIDTH32";
        BitWidth2[BitWidth2["WIDTH64"] = 3] = "WIDTH64";
      })(BitWidth || (exports.BitWidth = BitWidth = {}));
    }
  });

  // node_modules/flatbuffers/js/flexbuffers/bit-width-util.js
  var require_bit_width_util = __commonJS({
    "node_modules/flatbuffers/js/flexbuffers/bit-width-util.js"(exports) {
      "use strict";
      Object.defineProperty(exports, "__esModule", { value: true });
      exports.toByteWidth = toByteWidth;
      exports.iwidth = iwidth;
      exports.fwidth = fwidth;
      exports.uwidth = uwidth;
      exports.fromByteWidth = fromByteWidth;
      exports.paddingSize = paddingSize;
      var bit_width_js_1 = require_bit_width();
      function toByteWidth(bitWidth) {
        return 1 << bitWidth;
      }
      function iwidth(value) {
        if (value >= -128 && value <= 127)
          return bit_width_js_1.BitWidth.WIDTH8;
        if (value >= -32768 && value <= 32767)
          return bit_width_js_1.BitWidth.WIDTH16;
        if (value >= -2147483648 && value <= 2147483647)
          return bit_width_js_1.BitWidth.WIDTH32;
        return bit_width_js_1.BitWidth.WIDTH64;
      }
      function fwidth(value) {
        return value === Math.fround(value) ? bit_width_js_1.BitWidth.WIDTH32 : bit_width_js_1.BitWidth.WIDTH64;
      }
      function uwidth(value) {
        if (value <= 255)
          return bit_width_js_1.BitWidth.WIDTH8;
        if (value <= 65535)
          return bit_width_js_1.BitWidth.WIDTH16;
        if (value <= 4294967295)
          return bit_width_js_1.BitWidth.WIDTH32;
        return bit_width_js_1.BitWidth.WIDTH64;
      }
      function fromByteWidth(value) {
        if (value === 1)
          return bit_width_js_1.BitWidth.WIDTH8;
        if (value === 2)
          return bit_width_js_1.BitWidth.WIDTH16;
        if (value === 4)
          return bit_width_js_1.BitWidth.WIDTH32;
        return bit_width_js_1.BitWidth.WIDTH64;
      }
      function paddingSize(bufSize, scalarSize) {
        return ~bufSize + 1 & scalarSize - 1;
      }
    }
  });

  // node_modules/flatbuffers/js/flexbuffers/flexbuffers-util.js
  var require_flexbuffers_util = __commonJS({
    "node_modules/flatbuffers/js/flexbuffers/flexbuffers-util.js"(exports) {
      "use strict";
      Object.defineProperty(exports, "__esModule", { value: true });
      exports.fromUTF8Array = fromUTF8Array;
      exports.toUTF8Array = toUTF8Array;
      function fromUTF8Array(data) {
        const decoder2 = new TextDecoder();
        return decoder2.decode(data);
      }
      function toUTF8Array(str) {
        const encoder2 = new TextEncoder();
        return encoder2.encode(str);
      }
    }
  });

  // node_modules/flatbuffers/js/flexbuffers/value-type.js
  var require_value_type = __commonJS({
    "node_modules/flatbuffers/js/flexbuffers/value-type.js"(exports) {
      "use strict";
      Object.defineProperty(exports, "__esModule", { value: true });
      exports.ValueType = void 0;
      var ValueType;
      (function(ValueType2) {
        ValueType2[ValueType2["NULL"] = 0] = "NULL";
        ValueType2[ValueType2["INT"] = 1] = "INT";
        ValueType2[ValueType2["UINT"] = 2] = "UINT";
        ValueType2[ValueType2["FLOAT"] = 3] = "FLOAT";
        ValueType2[ValueType2["KEY"] = 4] = "KEY";
        ValueType2[ValueType2["STRING"] = 5] = "STRING";
        ValueType2[ValueType2["INDIRECT_INT"] = 6] = "INDIRECT_INT";
        ValueType2[ValueType2["INDIRECT_UINT"] = 7] = "INDIRECT_UINT";
        ValueType2[ValueType2["INDIRECT_FLOAT"] = 8] = "INDIRECT_FLOAT";
        ValueType2[ValueType2["MAP"] = 9] = "MAP";
        ValueType2[ValueType2["VECTOR"] = 10] = "VECTOR";
        ValueType2[ValueType2["VECTOR_INT"] = 11] = "VECTOR_INT";
        ValueType2[ValueType2["VECTOR_UINT"] = 12] = "VECTOR_UINT";
        ValueType2[ValueType2["VECTOR_FLOAT"] = 13] = "VECTOR_FLOAT";
        ValueType2[ValueType2["VECTOR_KEY"] = 14] = "VECTOR_KEY";
        ValueType2[ValueType2["VECTOR_STRING_DEPRECATED"] = 15] = "VECTOR_STRING_DEPRECATED";
        ValueType2[ValueType2["VECTOR_INT2"] = 16] = "VECTOR_INT2";
        ValueType2[ValueType2["VECTOR_UINT2"] = 17] = "VECTOR_UINT2";
        ValueType2[ValueType2["VECTOR_FLOAT2"] = 18] = "VECTOR_FLOAT2";
        ValueType2[ValueType2["VECTOR_INT3"] = 19] = "VECTOR_INT3";
        ValueType2[ValueType2["VECTOR_UINT3"] = 20] = "VECTOR_UINT3";
        ValueType2[ValueType2["VECTOR_FLOAT3"] = 21] = "VECTOR_FLOAT3";
        ValueType2[ValueType2["VECTOR_INT4"] = 22] = "VECTOR_INT4";
        ValueType2[ValueType2["VECTOR_UINT4"] = 23] = "VECTOR_UINT4";
        ValueType2[ValueType2["VECTOR_FLOAT4"] = 24] = "VECTOR_FLOAT4";
        ValueType2[ValueType2["BLOB"] = 25] = "BLOB";
        ValueType2[ValueType2["BOOL"] = 26] = "BOOL";
        ValueType2[ValueType2["VECTOR_BOOL"] = 36] = "VECTOR_BOOL";
      })(ValueType || (exports.ValueType = ValueType = {}));
    }
  });

  // node_modules/flatbuffers/js/flexbuffers/value-type-util.js
  var require_value_type_util = __commonJS({
    "node_modules/flatbuffers/js/flexbuffers/value-type-util.js"(exports) {
      "use strict";
      Object.defineProperty(exports, "__esModule", { value: true });
      exports.isInline = isInline;
      exports.isNumber = isNumber;
      exports.isIndirectNumber = isIndirectNumber;
      exports.isTypedVectorElement = isTypedVectorElement;
      exports.isTypedVector = isTypedVector;
      exports.isFixedTypedVector = isFixedTypedVector;
      exports.isAVector = isAVector;
      exports.toTypedVector = toTypedVector;
      exports.typedVectorElementType = typedVectorElementType;
      exports.fixedTypedVectorElementType = fixedTypedVectorElementType;
      exports.fixedTypedVectorElementSize = fixedTypedVectorElementSize;
      exports.packedType = packedType;
      var value_type_js_1 = require_value_type();
      function isInline(value) {
        return value === value_type_js_1.ValueType.BOOL || value <= value_type_js_1.ValueType.FLOAT;
      }
      function isNumber(value) {
        return value >= value_type_js_1.ValueType.INT && value <= value_type_js_1.ValueType.FLOAT;
      }
      function isIndirectNumber(value) {
        return value >= value_type_js_1.ValueType.INDIRECT_INT && value <= value_type_js_1.ValueType.INDIRECT_FLOAT;
      }
      function isTypedVectorElement(value) {
        return value === value_type_js_1.ValueType.BOOL || value >= value_type_js_1.ValueType.INT && value <= value_type_js_1.ValueType.STRING;
      }
      function isTypedVector(value) {
        return value === value_type_js_1.ValueType.VECTOR_BOOL || value >= value_type_js_1.ValueType.VECTOR_INT && value <= value_type_js_1.ValueType.VECTOR_STRING_DEPRECATED;
      }
      function isFixedTypedVector(value) {
        return value >= value_type_js_1.ValueType.VECTOR_INT2 && value <= value_type_js_1.ValueType.VECTOR_FLOAT4;
      }
      function isAVector(value) {
        return isTypedVector(value) || isFixedTypedVector(value) || value === value_type_js_1.ValueType.VECTOR;
      }
      function toTypedVector(valueType, length2) {
        if (length2 === 0)
          return valueType - value_type_js_1.ValueType.INT + value_type_js_1.ValueType.VECTOR_INT;
        if (length2 === 2)
          return valueType - value_type_js_1.ValueType.INT + value_type_js_1.ValueType.VECTOR_INT2;
        if (length2 === 3)
          return valueType - value_type_js_1.ValueType.INT + value_type_js_1.ValueType.VECTOR_INT3;
        if (length2 === 4)
          return valueType - value_type_js_1.ValueType.INT + value_type_js_1.ValueType.VECTOR_INT4;
        throw "Unexpected length " + length2;
      }
      function typedVectorElementType(valueType) {
        return valueType - value_type_js_1.ValueType.VECTOR_INT + value_type_js_1.ValueType.INT;
      }
      function fixedTypedVectorElementType(valueType) {
        return (valueType - value_type_js_1.ValueType.VECTOR_INT2) % 3 + value_type_js_1.ValueType.INT;
      }
      function fixedTypedVectorElementSize(valueType) {
        return ((valueType - value_type_js_1.ValueType.VECTOR_INT2) / 3 >> 0) + 2;
      }
      function packedType(valueType, bitWidth) {
        return bitWidth | valueType << 2;
      }
    }
  });

  // node_modules/flatbuffers/js/flexbuffers/stack-value.js
  var require_stack_value = __commonJS({
    "node_modules/flatbuffers/js/flexbuffers/stack-value.js"(exports) {
      "use strict";
      Object.defineProperty(exports, "__esModule", { value: true });
      exports.StackValue = void 0;
      var bit_width_util_js_1 = require_bit_width_util();
      var bit_width_js_1 = require_bit_width();
      var value_type_util_js_1 = require_value_type_util();
      var value_type_js_1 = require_value_type();
      var StackValue = class {
        constructor(builder, type, width, value = null, offset = 0) {
          this.builder = builder;
          this.type = type;
          this.width = width;
          this.value = value;
          this.offset = offset;
        }
        elementWidth(size, index) {
          if ((0, value_type_util_js_1.isInline)(this.type))
            return this.width;
          for (let i = 0; i < 4; i++) {
            const width = 1 << i;
            const offsetLoc = size + (0, bit_width_util_js_1.paddingSize)(size, width) + index * width;
            const offset = offsetLoc - this.offset;
            const bitWidth = (0, bit_width_util_js_1.uwidth)(offset);
            if (1 << bitWidth === width) {
              return bitWidth;
            }
          }
          throw `Element is unknown. Size: ${size} at index: ${index}. This might be a bug. Please create an issue https://github.com/google/flatbuffers/issues/new`;
        }
        writeToBuffer(byteWidth) {
          const newOffset = this.builder.computeOffset(byteWidth);
          if (this.type === value_type_js_1.ValueType.FLOAT) {
            if (this.width === bit_width_js_1.BitWidth.WIDTH32) {
              this.builder.view.setFloat32(this.builder.offset, this.value, true);
            } else {
              this.builder.view.setFloat64(this.builder.offset, this.value, true);
            }
          } else if (this.type === value_type_js_1.ValueType.INT) {
            const bitWidth = (0, bit_width_util_js_1.fromByteWidth)(byteWidth);
            this.builder.pushInt(this.value, bitWidth);
          } else if (this.type === value_type_js_1.ValueType.UINT) {
            const bitWidth = (0, bit_width_util_js_1.fromByteWidth)(byteWidth);
            this.builder.pushUInt(this.value, bitWidth);
          } else if (this.type === value_type_js_1.ValueType.NULL) {
            this.builder.pushInt(0, this.width);
          } else if (this.type === value_type_js_1.ValueType.BOOL) {
            this.builder.pushInt(this.value ? 1 : 0, this.width);
          } else {
            throw `Unexpected type: ${this.type}. This might be a bug. Please create an issue https://github.com/google/flatbuffers/issues/new`;
          }
          this.offset = newOffset;
        }
        storedWidth(width = bit_width_js_1.BitWidth.WIDTH8) {
          return (0, value_type_util_js_1.isInline)(this.type) ? Math.max(width, this.width) : this.width;
        }
        storedPackedType(width = bit_width_js_1.BitWidth.WIDTH8) {
          return (0, value_type_util_js_1.packedType)(this.type, this.storedWidth(width));
        }
        isOffset() {
          return !(0, value_type_util_js_1.isInline)(this.type);
        }
      };
      exports.StackValue = StackValue;
    }
  });

  // node_modules/flatbuffers/js/flexbuffers/builder.js
  var require_builder = __commonJS({
    "node_modules/flatbuffers/js/flexbuffers/builder.js"(exports) {
      "use strict";
      Object.defineProperty(exports, "__esModule", { value: true });
      exports.Builder = void 0;
      var bit_width_util_js_1 = require_bit_width_util();
      var bit_width_js_1 = require_bit_width();
      var flexbuffers_util_js_1 = require_flexbuffers_util();
      var stack_value_js_1 = require_stack_value();
      var value_type_util_js_1 = require_value_type_util();
      var value_type_js_1 = require_value_type();
      var Builder2 = class {
        constructor(size = 2048, dedupStrings = true, dedupKeys = true, dedupKeyVectors = true) {
          this.dedupStrings = dedupStrings;
          this.dedupKeys = dedupKeys;
          this.dedupKeyVectors = dedupKeyVectors;
          this.stack = [];
          this.stackPointers = [];
          this.offset = 0;
          this.finished = false;
          this.stringLookup = {};
          this.keyLookup = {};
          this.keyVectorLookup = {};
          this.indirectIntLookup = {};
          this.indirectUIntLookup = {};
          this.indirectFloatLookup = {};
          this.buffer = new ArrayBuffer(size > 0 ? size : 2048);
          this.view = new DataView(this.buffer);
        }
        align(width) {
          const byteWidth = (0, bit_width_util_js_1.toByteWidth)(width);
          this.offset += (0, bit_width_util_js_1.paddingSize)(this.offset, byteWidth);
          return byteWidth;
        }
        computeOffset(newValueSize) {
          const targetOffset = this.offset + newValueSize;
          let size = this.buffer.byteLength;
          const prevSize = size;
          while (size < targetOffset) {
            size <<= 1;
          }
          if (prevSize < size) {
            const prevBuffer = this.buffer;
            this.buffer = new ArrayBuffer(size);
            this.view = new DataView(this.buffer);
            new Uint8Array(this.buffer).set(new Uint8Array(prevBuffer), 0);
          }
          return targetOffset;
        }
        pushInt(value, width) {
          if (width === bit_width_js_1.BitWidth.WIDTH8) {
            this.view.setInt8(this.offset, value);
          } else if (width === bit_width_js_1.BitWidth.WIDTH16) {
            this.view.setInt16(this.offset, value, true);
          } else if (width === bit_width_js_1.BitWidth.WIDTH32) {
            this.view.setInt32(this.offset, value, true);
          } else if (width === bit_width_js_1.BitWidth.WIDTH64) {
            this.view.setBigInt64(this.offset, BigInt(value), true);
          } else {
            throw `Unexpected width: ${width} for value: ${value}`;
          }
        }
        pushUInt(value, width) {
          if (width === bit_width_js_1.BitWidth.WIDTH8) {
            this.view.setUint8(this.offset, value);
          } else if (width === bit_width_js_1.BitWidth.WIDTH16) {
            this.view.setUint16(this.offset, value, true);
          } else if (width === bit_width_js_1.BitWidth.WIDTH32) {
            this.view.setUint32(this.offset, value, true);
          } else if (width === bit_width_js_1.BitWidth.WIDTH64) {
            this.view.setBigUint64(this.offset, BigInt(value), true);
          } else {
            throw `Unexpected width: ${width} for value: ${value}`;
          }
        }
        writeInt(value, byteWidth) {
          const newOffset = this.computeOffset(byteWidth);
          this.pushInt(value, (0, bit_width_util_js_1.fromByteWidth)(byteWidth));
          this.offset = newOffset;
        }
        writeUInt(value, byteWidth) {
          const newOffset = this.computeOffset(byteWidth);
          this.pushUInt(value, (0, bit_width_util_js_1.fromByteWidth)(byteWidth));
          this.offset = newOffset;
        }
        writeBlob(arrayBuffer) {
          const length2 = arrayBuffer.byteLength;
          const bitWidth = (0, bit_width_util_js_1.uwidth)(length2);
          const byteWidth = this.align(bitWidth);
          this.writeUInt(length2, byteWidth);
          const blobOffset = this.offset;
          const newOffset = this.computeOffset(length2);
          new Uint8Array(this.buffer).set(new Uint8Array(arrayBuffer), blobOffset);
          this.stack.push(this.offsetStackValue(blobOffset, value_type_js_1.ValueType.BLOB, bitWidth));
          this.offset = newOffset;
        }
        writeString(str) {
          if (this.dedupStrings && Object.prototype.hasOwnProperty.call(this.stringLookup, str)) {
            this.stack.push(this.stringLookup[str]);
            return;
          }
          const utf82 = (0, flexbuffers_util_js_1.toUTF8Array)(str);
          const length2 = utf82.length;
          const bitWidth = (0, bit_width_util_js_1.uwidth)(length2);
          const byteWidth = this.align(bitWidth);
          this.writeUInt(length2, byteWidth);
          const stringOffset = this.offset;
          const newOffset = this.computeOffset(length2 + 1);
          new Uint8Array(this.buffer).set(utf82, stringOffset);
          const stackValue = this.offsetStackValue(stringOffset, value_type_js_1.ValueType.STRING, bitWidth);
          this.stack.push(stackValue);
          if (this.dedupStrings) {
            this.stringLookup[str] = stackValue;
          }
          this.offset = newOffset;
        }
        writeKey(str) {
          if (this.dedupKeys && Object.prototype.hasOwnProperty.call(this.keyLookup, str)) {
            this.stack.push(this.keyLookup[str]);
            return;
          }
          const utf82 = (0, flexbuffers_util_js_1.toUTF8Array)(str);
          const length2 = utf82.length;
          const newOffset = this.computeOffset(length2 + 1);
          new Uint8Array(this.buffer).set(utf82, this.offset);
          const stackValue = this.offsetStackValue(this.offset, value_type_js_1.ValueType.KEY, bit_width_js_1.BitWidth.WIDTH8);
          this.stack.push(stackValue);
          if (this.dedupKeys) {
            this.keyLookup[str] = stackValue;
          }
          this.offset = newOffset;
        }
        writeStackValue(value, byteWidth) {
          const newOffset = this.computeOffset(byteWidth);
          if (value.isOffset()) {
            const relativeOffset = this.offset - value.offset;
            if (byteWidth === 8 || BigInt(relativeOffset) < BigInt(1) << BigInt(byteWidth * 8)) {
              this.writeUInt(relativeOffset, byteWidth);
            } else {
              throw `Unexpected size ${byteWidth}. This might be a bug. Please create an issue https://github.com/google/flatbuffers/issues/new`;
            }
          } else {
            value.writeToBuffer(byteWidth);
          }
          this.offset = newOffset;
        }
        integrityCheckOnValueAddition() {
          if (this.finished) {
            throw "Adding values after finish is prohibited";
          }
          if (this.stackPointers.length !== 0 && this.stackPointers[this.stackPointers.length - 1].isVector === false) {
            if (this.stack[this.stack.length - 1].type !== value_type_js_1.ValueType.KEY) {
              throw "Adding value to a map before adding a key is prohibited";
            }
          }
        }
        integrityCheckOnKeyAddition() {
          if (this.finished) {
            throw "Adding values after finish is prohibited";
          }
          if (this.stackPointers.length === 0 || this.stackPointers[this.stackPointers.length - 1].isVector) {
            throw "Adding key before starting a map is prohibited";
          }
        }
        startVector() {
          this.stackPointers.push({ stackPosition: this.stack.length, isVector: true });
        }
        startMap(presorted = false) {
          this.stackPointers.push({
            stackPosition: this.stack.length,
            isVector: false,
            presorted
          });
        }
        endVector(stackPointer) {
          const vecLength = this.stack.length - stackPointer.stackPosition;
          const vec = this.createVector(stackPointer.stackPosition, vecLength, 1);
          this.stack.splice(stackPointer.stackPosition, vecLength);
          this.stack.push(vec);
        }
        endMap(stackPointer) {
          if (!stackPointer.presorted) {
            this.sort(stackPointer);
          }
          let keyVectorHash = "";
          for (let i = stackPointer.stackPosition; i < this.stack.length; i += 2) {
            keyVectorHash += `,${this.stack[i].offset}`;
          }
          const vecLength = this.stack.length - stackPointer.stackPosition >> 1;
          if (this.dedupKeyVectors && !Object.prototype.hasOwnProperty.call(this.keyVectorLookup, keyVectorHash)) {
            this.keyVectorLookup[keyVectorHash] = this.createVector(stackPointer.stackPosition, vecLength, 2);
          }
          const keysStackValue = this.dedupKeyVectors ? this.keyVectorLookup[keyVectorHash] : this.createVector(stackPointer.stackPosition, vecLength, 2);
          const valuesStackValue = this.createVector(stackPointer.stackPosition + 1, vecLength, 2, keysStackValue);
          this.stack.splice(stackPointer.stackPosition, vecLength << 1);
          this.stack.push(valuesStackValue);
        }
        sort(stackPointer) {
          const view2 = this.view;
          const stack = this.stack;
          function shouldFlip(v1, v2) {
            if (v1.type !== value_type_js_1.ValueType.KEY || v2.type !== value_type_js_1.ValueType.KEY) {
              throw `Stack values are not keys ${v1} | ${v2}. Check if you combined [addKey] with add... method calls properly.`;
            }
            let c1, c2;
            let index = 0;
            do {
              c1 = view2.getUint8(v1.offset + index);
              c2 = view2.getUint8(v2.offset + index);
              if (c2 < c1)
                return true;
              if (c1 < c2)
                return false;
              index += 1;
            } while (c1 !== 0 && c2 !== 0);
            return false;
          }
          function swap(stack2, flipIndex, i) {
            if (flipIndex === i)
              return;
            const k = stack2[flipIndex];
            const v = stack2[flipIndex + 1];
            stack2[flipIndex] = stack2[i];
            stack2[flipIndex + 1] = stack2[i + 1];
            stack2[i] = k;
            stack2[i + 1] = v;
          }
          function selectionSort() {
            for (let i = stackPointer.stackPosition; i < stack.length; i += 2) {
              let flipIndex = i;
              for (let j = i + 2; j < stack.length; j += 2) {
                if (shouldFlip(stack[flipIndex], stack[j])) {
                  flipIndex = j;
                }
              }
              if (flipIndex !== i) {
                swap(stack, flipIndex, i);
              }
            }
          }
          function smaller(v1, v2) {
            if (v1.type !== value_type_js_1.ValueType.KEY || v2.type !== value_type_js_1.ValueType.KEY) {
              throw `Stack values are not keys ${v1} | ${v2}. Check if you combined [addKey] with add... method calls properly.`;
            }
            if (v1.offset === v2.offset) {
              return false;
            }
            let c1, c2;
            let index = 0;
            do {
              c1 = view2.getUint8(v1.offset + index);
              c2 = view2.getUint8(v2.offset + index);
              if (c1 < c2)
                return true;
              if (c2 < c1)
                return false;
              index += 1;
            } while (c1 !== 0 && c2 !== 0);
            return false;
          }
          function quickSort(left, right) {
            if (left < right) {
              const mid = left + (right - left >> 2) * 2;
              const pivot = stack[mid];
              let left_new = left;
              let right_new = right;
              do {
                while (smaller(stack[left_new], pivot)) {
                  left_new += 2;
                }
                while (smaller(pivot, stack[right_new])) {
                  right_new -= 2;
                }
                if (left_new <= right_new) {
                  swap(stack, left_new, right_new);
                  left_new += 2;
                  right_new -= 2;
                }
              } while (left_new <= right_new);
              quickSort(left, right_new);
              quickSort(left_new, right);
            }
          }
          let sorted = true;
          for (let i = stackPointer.stackPosition; i < this.stack.length - 2; i += 2) {
            if (shouldFlip(this.stack[i], this.stack[i + 2])) {
              sorted = false;
              break;
            }
          }
          if (!sorted) {
            if (this.stack.length - stackPointer.stackPosition > 40) {
              quickSort(stackPointer.stackPosition, this.stack.length - 2);
            } else {
              selectionSort();
            }
          }
        }
        end() {
          if (this.stackPointers.length < 1)
            return;
          const pointer = this.stackPointers.pop();
          if (pointer.isVector) {
            this.endVector(pointer);
          } else {
            this.endMap(pointer);
          }
        }
        createVector(start, vecLength, step, keys = null) {
          let bitWidth = (0, bit_width_util_js_1.uwidth)(vecLength);
          let prefixElements = 1;
          if (keys !== null) {
            const elementWidth = keys.elementWidth(this.offset, 0);
            if (elementWidth > bitWidth) {
              bitWidth = elementWidth;
            }
            prefixElements += 2;
          }
          let vectorType = value_type_js_1.ValueType.KEY;
          let typed = keys === null;
          for (let i = start; i < this.stack.length; i += step) {
            const elementWidth = this.stack[i].elementWidth(this.offset, i + prefixElements);
            if (elementWidth > bitWidth) {
              bitWidth = elementWidth;
            }
            if (i === start) {
              vectorType = this.stack[i].type;
              typed = typed && (0, value_type_util_js_1.isTypedVectorElement)(vectorType);
            } else {
              if (vectorType !== this.stack[i].type) {
                typed = false;
              }
            }
          }
          const byteWidth = this.align(bitWidth);
          const fix = typed && (0, value_type_util_js_1.isNumber)(vectorType) && vecLength >= 2 && vecLength <= 4;
          if (keys !== null) {
            this.writeStackValue(keys, byteWidth);
            this.writeUInt(1 << keys.width, byteWidth);
          }
          if (!fix) {
            this.writeUInt(vecLength, byteWidth);
          }
          const vecOffset = this.offset;
          for (let i = start; i < this.stack.length; i += step) {
            this.writeStackValue(this.stack[i], byteWidth);
          }
          if (!typed) {
            for (let i = start; i < this.stack.length; i += step) {
              this.writeUInt(this.stack[i].storedPackedType(), 1);
            }
          }
          if (keys !== null) {
            return this.offsetStackValue(vecOffset, value_type_js_1.ValueType.MAP, bitWidth);
          }
          if (typed) {
            const vType = (0, value_type_util_js_1.toTypedVector)(vectorType, fix ? vecLength : 0);
            return this.offsetStackValue(vecOffset, vType, bitWidth);
          }
          return this.offsetStackValue(vecOffset, value_type_js_1.ValueType.VECTOR, bitWidth);
        }
        nullStackValue() {
          return new stack_value_js_1.StackValue(this, value_type_js_1.ValueType.NULL, bit_width_js_1.BitWidth.WIDTH8);
        }
        boolStackValue(value) {
          return new stack_value_js_1.StackValue(this, value_type_js_1.ValueType.BOOL, bit_width_js_1.BitWidth.WIDTH8, value);
        }
        intStackValue(value) {
          return new stack_value_js_1.StackValue(this, value_type_js_1.ValueType.INT, (0, bit_width_util_js_1.iwidth)(value), value);
        }
        uintStackValue(value) {
          return new stack_value_js_1.StackValue(this, value_type_js_1.ValueType.UINT, (0, bit_width_util_js_1.uwidth)(value), value);
        }
        floatStackValue(value) {
          return new stack_value_js_1.StackValue(this, value_type_js_1.ValueType.FLOAT, (0, bit_width_util_js_1.fwidth)(value), value);
        }
        offsetStackValue(offset, valueType, bitWidth) {
          return new stack_value_js_1.StackValue(this, valueType, bitWidth, null, offset);
        }
        finishBuffer() {
          if (this.stack.length !== 1) {
            throw `Stack has to be exactly 1, but it is ${this.stack.length}. You have to end all started vectors and maps before calling [finish]`;
          }
          const value = this.stack[0];
          const byteWidth = this.align(value.elementWidth(this.offset, 0));
          this.writeStackValue(value, byteWidth);
          this.writeUInt(value.storedPackedType(), 1);
          this.writeUInt(byteWidth, 1);
          this.finished = true;
        }
        add(value) {
          this.integrityCheckOnValueAddition();
          if (typeof value === "undefined") {
            throw "You need to provide a value";
          }
          if (value === null) {
            this.stack.push(this.nullStackValue());
          } else if (typeof value === "boolean") {
            this.stack.push(this.boolStackValue(value));
          } else if (typeof value === "bigint") {
            this.stack.push(this.intStackValue(value));
          } else if (typeof value == "number") {
            if (Number.isInteger(value)) {
              this.stack.push(this.intStackValue(value));
            } else {
              this.stack.push(this.floatStackValue(value));
            }
          } else if (ArrayBuffer.isView(value)) {
            this.writeBlob(value.buffer);
          } else if (typeof value === "string" || value instanceof String) {
            this.writeString(value);
          } else if (Array.isArray(value)) {
            this.startVector();
            for (let i = 0; i < value.length; i++) {
              this.add(value[i]);
            }
            this.end();
          } else if (typeof value === "object") {
            const properties = Object.getOwnPropertyNames(value).sort();
            this.startMap(true);
            for (let i = 0; i < properties.length; i++) {
              const key = properties[i];
              this.addKey(key);
              this.add(value[key]);
            }
            this.end();
          } else {
            throw `Unexpected value input ${value}`;
          }
        }
        finish() {
          if (!this.finished) {
            this.finishBuffer();
          }
          const result = this.buffer.slice(0, this.offset);
          return new Uint8Array(result);
        }
        isFinished() {
          return this.finished;
        }
        addKey(key) {
          this.integrityCheckOnKeyAddition();
          this.writeKey(key);
        }
        addInt(value, indirect = false, deduplicate = false) {
          this.integrityCheckOnValueAddition();
          if (!indirect) {
            this.stack.push(this.intStackValue(value));
            return;
          }
          if (deduplicate && Object.prototype.hasOwnProperty.call(this.indirectIntLookup, value)) {
            this.stack.push(this.indirectIntLookup[value]);
            return;
          }
          const stackValue = this.intStackValue(value);
          const byteWidth = this.align(stackValue.width);
          const newOffset = this.computeOffset(byteWidth);
          const valueOffset = this.offset;
          stackValue.writeToBuffer(byteWidth);
          const stackOffset = this.offsetStackValue(valueOffset, value_type_js_1.ValueType.INDIRECT_INT, stackValue.width);
          this.stack.push(stackOffset);
          this.offset = newOffset;
          if (deduplicate) {
            this.indirectIntLookup[value] = stackOffset;
          }
        }
        addUInt(value, indirect = false, deduplicate = false) {
          this.integrityCheckOnValueAddition();
          if (!indirect) {
            this.stack.push(this.uintStackValue(value));
            return;
          }
          if (deduplicate && Object.prototype.hasOwnProperty.call(this.indirectUIntLookup, value)) {
            this.stack.push(this.indirectUIntLookup[value]);
            return;
          }
          const stackValue = this.uintStackValue(value);
          const byteWidth = this.align(stackValue.width);
          const newOffset = this.computeOffset(byteWidth);
          const valueOffset = this.offset;
          stackValue.writeToBuffer(byteWidth);
          const stackOffset = this.offsetStackValue(valueOffset, value_type_js_1.ValueType.INDIRECT_UINT, stackValue.width);
          this.stack.push(stackOffset);
          this.offset = newOffset;
          if (deduplicate) {
            this.indirectUIntLookup[value] = stackOffset;
          }
        }
        addFloat(value, indirect = false, deduplicate = false) {
          this.integrityCheckOnValueAddition();
          if (!indirect) {
            this.stack.push(this.floatStackValue(value));
            return;
          }
          if (deduplicate && Object.prototype.hasOwnProperty.call(this.indirectFloatLookup, value)) {
            this.stack.push(this.indirectFloatLookup[value]);
            return;
          }
          const stackValue = this.floatStackValue(value);
          const byteWidth = this.align(stackValue.width);
          const newOffset = this.computeOffset(byteWidth);
          const valueOffset = this.offset;
          stackValue.writeToBuffer(byteWidth);
          const stackOffset = this.offsetStackValue(valueOffset, value_type_js_1.ValueType.INDIRECT_FLOAT, stackValue.width);
          this.stack.push(stackOffset);
          this.offset = newOffset;
          if (deduplicate) {
            this.indirectFloatLookup[value] = stackOffset;
          }
        }
      };
      exports.Builder = Builder2;
    }
  });

  // src/encode.js
  var import_builder = __toESM(require_builder(), 1);
  var import_value_type_util = __toESM(require_value_type_util(), 1);
  var import_bit_width_util = __toESM(require_bit_width_util(), 1);

  // src/reader.js
  var T_NULL = 0;
  var T_INT = 1;
  var T_UINT = 2;
  var T_FLOAT = 3;
  var T_KEY = 4;
  var T_STRING = 5;
  var T_INDIRECT_INT = 6;
  var T_INDIRECT_UINT = 7;
  var T_INDIRECT_FLOAT = 8;
  var T_MAP = 9;
  var T_VECTOR = 10;
  var T_VECTOR_INT = 11;
  var T_VECTOR_INT2 = 16;
  var T_VECTOR_FLOAT4 = 24;
  var T_BLOB = 25;
  var T_BOOL = 26;
  var T_VECTOR_BOOL = 36;
  var Ref = class {
    constructor(dv, offset, parentWidth, packed) {
      this.dv = dv;
      this.offset = offset;
      this.parentWidth = parentWidth;
      this.byteWidth = 1 << (packed & 3);
      this.type = packed >> 2;
    }
  };
  function root(buffer) {
    const dv = buffer instanceof DataView ? buffer : new DataView(buffer);
    const len = dv.byteLength;
    if (len < 3) {
      throw new RangeError(`a FlexBuffer needs at least 3 bytes, got ${len}`);
    }
    const width = dv.getUint8(len - 1);
    const packed = dv.getUint8(len - 2);
    return new Ref(dv, len - width - 2, width, packed);
  }
  function readUInt(dv, offset, width) {
    switch (width) {
      case 1:
        return dv.getUint8(offset);
      case 2:
        return dv.getUint16(offset, true);
      case 4:
        return dv.getUint32(offset, true);
      default:
        return dv.getUint32(offset, true) + dv.getUint32(offset + 4, true) * 4294967296;
    }
  }
  function readInt(dv, offset, width) {
    switch (width) {
      case 1:
        return dv.getInt8(offset);
      case 2:
        return dv.getInt16(offset, true);
      case 4:
        return dv.getInt32(offset, true);
      default: {
        const n = dv.getBigInt64(offset, true);
        return n >= -9007199254740991n && n <= 9007199254740991n ? Number(n) : n;
      }
    }
  }
  function readUIntValue(dv, offset, width) {
    if (width === 8) {
      const n = dv.getBigUint64(offset, true);
      return n <= 9007199254740991n ? Number(n) : n;
    }
    return readUInt(dv, offset, width);
  }
  function readFloat(dv, offset, width) {
    if (width === 4) {
      return dv.getFloat32(offset, true);
    }
    if (width === 8) {
      return dv.getFloat64(offset, true);
    }
    throw new RangeError(`a float cannot be ${width} bytes wide`);
  }
  function target(r) {
    return r.offset - readUInt(r.dv, r.offset, r.parentWidth);
  }
  function isMap(r) {
    return r.type === T_MAP;
  }
  function isList(r) {
    const t = r.type;
    return t === T_VECTOR || t >= T_VECTOR_INT && t <= T_VECTOR_FLOAT4 || t === T_VECTOR_BOOL;
  }
  function length(r) {
    const t = r.type;
    if (t >= T_VECTOR_INT2 && t <= T_VECTOR_FLOAT4) {
      return Math.floor((t - T_VECTOR_INT2) / 3) + 2;
    }
    const at2 = target(r);
    if (t === T_KEY) {
      let end = at2;
      while (r.dv.getUint8(end) !== 0) {
        end++;
      }
      return end - at2;
    }
    return readUInt(r.dv, at2 - r.byteWidth, r.byteWidth);
  }
  function at(r, index) {
    const n = length(r);
    if (!(index >= 0 && index < n)) {
      return void 0;
    }
    const dv = r.dv;
    const start = target(r);
    const bw = r.byteWidth;
    const t = r.type;
    if (t === T_VECTOR || t === T_MAP) {
      return new Ref(dv, start + index * bw, bw, dv.getUint8(start + n * bw + index));
    }
    let elementType;
    if (t === T_VECTOR_BOOL) {
      elementType = T_BOOL;
    } else if (t >= T_VECTOR_INT2) {
      elementType = (t - T_VECTOR_INT2) % 3 + T_INT;
    } else {
      elementType = t - T_VECTOR_INT + T_INT;
    }
    return new Ref(dv, start + index * bw, bw, elementType << 2 | widthCode(bw));
  }
  function widthCode(bw) {
    return bw === 1 ? 0 : bw === 2 ? 1 : bw === 4 ? 2 : 3;
  }
  function keysStart(r) {
    const dv = r.dv;
    const bw = r.byteWidth;
    const keysVector = target(r) - bw * 3;
    return [keysVector - readUInt(dv, keysVector, bw), readUInt(dv, keysVector + bw, bw)];
  }
  function keyOffset(dv, keys, keyWidth, index) {
    const slot = keys + index * keyWidth;
    return slot - readUInt(dv, slot, keyWidth);
  }
  function keyAt(r, index) {
    const [keys, keyWidth] = keysStart(r);
    const dv = r.dv;
    const start = keyOffset(dv, keys, keyWidth, index);
    let end = start;
    while (dv.getUint8(end) !== 0) {
      end++;
    }
    return utf8(dv, start, end - start);
  }
  var encoder;
  function utf8Bytes(s) {
    for (let i = 0; i < s.length; i++) {
      if (s.charCodeAt(i) > 127) {
        encoder ??= new TextEncoder();
        return encoder.encode(s);
      }
    }
    return null;
  }
  function get(r, key) {
    const n = length(r);
    if (n === 0) {
      return void 0;
    }
    const [keys, keyWidth] = keysStart(r);
    const dv = r.dv;
    const bytes = utf8Bytes(key);
    const klen = bytes === null ? key.length : bytes.length;
    let lo = 0;
    let hi = n - 1;
    while (lo <= hi) {
      const mid = lo + hi >>> 1;
      const k = keyOffset(dv, keys, keyWidth, mid);
      let cmp = 0;
      let i = 0;
      for (; i < klen; i++) {
        const c = dv.getUint8(k + i);
        const want = bytes === null ? key.charCodeAt(i) : bytes[i];
        if (c !== want) {
          cmp = c === 0 ? -1 : c - want;
          break;
        }
      }
      if (cmp === 0 && i === klen && dv.getUint8(k + klen) !== 0) {
        cmp = 1;
      }
      if (cmp === 0) {
        return at(r, mid);
      }
      if (cmp < 0) {
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return void 0;
  }
  var decoder;
  function utf8(dv, start, len) {
    let s = "";
    for (let i = 0; i < len; i++) {
      const c = dv.getUint8(start + i);
      if (c > 127) {
        decoder ??= new TextDecoder();
        return decoder.decode(new Uint8Array(dv.buffer, dv.byteOffset + start, len));
      }
      s += String.fromCharCode(c);
    }
    return s;
  }
  function scalar(r) {
    const dv = r.dv;
    switch (r.type) {
      case T_NULL:
        return null;
      case T_BOOL:
        return readUInt(dv, r.offset, r.parentWidth) !== 0;
      case T_INT:
        return readInt(dv, r.offset, r.parentWidth);
      case T_UINT:
        return readUIntValue(dv, r.offset, r.parentWidth);
      case T_FLOAT:
        return readFloat(dv, r.offset, r.parentWidth);
      case T_INDIRECT_INT:
        return readInt(dv, target(r), r.byteWidth);
      case T_INDIRECT_UINT:
        return readUIntValue(dv, target(r), r.byteWidth);
      case T_INDIRECT_FLOAT:
        return readFloat(dv, target(r), r.byteWidth);
      case T_STRING:
        return utf8(dv, target(r), length(r));
      case T_KEY:
        return utf8(dv, target(r), length(r));
      case T_BLOB: {
        const start = target(r);
        return new Uint8Array(dv.buffer, dv.byteOffset + start, length(r));
      }
      default:
        return void 0;
    }
  }

  // src/values.js
  var REF = Symbol.for("xerv.ref");
  var PLAIN = Symbol.for("xerv.plain");
  var INPUT_OF = /* @__PURE__ */ new WeakMap();
  function rootView(arrayBuffer, inputIndex) {
    const v = view(root(arrayBuffer));
    if (inputIndex !== void 0 && v !== null && typeof v === "object" && v[REF] !== void 0) {
      INPUT_OF.set(v, inputIndex);
    }
    return v;
  }
  function inputIndexOf(value) {
    return value !== null && typeof value === "object" ? INPUT_OF.get(value) : void 0;
  }
  function refOf(value) {
    return value !== null && typeof value === "object" ? value[REF] : void 0;
  }
  function view(ref) {
    if (isMap(ref)) {
      return mapView(ref);
    }
    if (isList(ref)) {
      return listView(ref);
    }
    return scalar(ref);
  }
  function cached(cache, key) {
    const hit = cache.get(key);
    if (hit !== void 0 || cache.has(key)) {
      return hit;
    }
    const child = get(cache.ref, key);
    const v = child === void 0 ? void 0 : view(child);
    cache.set(key, v);
    return v;
  }
  function mapKeys(ref) {
    const n = length(ref);
    const keys = new Array(n);
    for (let i = 0; i < n; i++) {
      keys[i] = keyAt(ref, i);
    }
    return keys;
  }
  var MAP_HANDLER = {
    get(target2, key) {
      if (typeof key === "symbol") {
        if (key === PLAIN) {
          return () => toPlain(target2.cache.ref);
        }
        return key === REF ? target2.cache.ref : void 0;
      }
      const v = cached(target2.cache, key);
      if (v === void 0 && key === "toJSON") {
        return () => toPlain(target2.cache.ref);
      }
      return v;
    },
    has(target2, key) {
      return typeof key === "symbol" ? key === REF : cached(target2.cache, key) !== void 0 || get(target2.cache.ref, key) !== void 0;
    },
    ownKeys(target2) {
      return mapKeys(target2.cache.ref);
    },
    getOwnPropertyDescriptor(target2, key) {
      if (typeof key === "symbol" || get(target2.cache.ref, key) === void 0) {
        return void 0;
      }
      return { value: cached(target2.cache, key), writable: false, enumerable: true, configurable: true };
    },
    set(_t, key) {
      throw new TypeError(`input values are read-only (setting '${String(key)}'); build a new object to return`);
    },
    deleteProperty(_t, key) {
      throw new TypeError(`input values are read-only (deleting '${String(key)}')`);
    },
    defineProperty(_t, key) {
      throw new TypeError(`input values are read-only (defining '${String(key)}')`);
    }
  };
  function mapView(ref) {
    const cache = /* @__PURE__ */ new Map();
    cache.ref = ref;
    return new Proxy({ cache }, MAP_HANDLER);
  }
  function item(target2, i) {
    let v = target2.items[i];
    if (v === void 0) {
      v = view(at(target2.ref, i));
      target2.items[i] = v === void 0 ? null : v;
    }
    return v;
  }
  var LIST_HANDLER = {
    get(target2, key, receiver) {
      if (typeof key === "string") {
        const c = key.charCodeAt(0);
        if (c >= 48 && c <= 57) {
          const i = +key;
          return i < target2.n && Number.isInteger(i) ? item(target2, i) : void 0;
        }
        if (key === "length") {
          return target2.n;
        }
        if (key === "toJSON") {
          return () => toPlain(target2.ref);
        }
      } else if (key === REF) {
        return target2.ref;
      } else if (key === PLAIN) {
        return () => toPlain(target2.ref);
      }
      return Reflect.get(Array.prototype, key, receiver);
    },
    has(target2, key) {
      if (typeof key === "string") {
        const i = Number(key);
        return Number.isInteger(i) ? i >= 0 && i < target2.n : key === "length" || key in Array.prototype;
      }
      return key === REF || key in Array.prototype;
    },
    ownKeys(target2) {
      const keys = new Array(target2.n + 1);
      for (let i = 0; i < target2.n; i++) {
        keys[i] = String(i);
      }
      keys[target2.n] = "length";
      return keys;
    },
    getOwnPropertyDescriptor(target2, key) {
      if (key === "length") {
        return { value: target2.n, writable: true, enumerable: false, configurable: false };
      }
      const i = typeof key === "string" ? Number(key) : NaN;
      if (!(Number.isInteger(i) && i >= 0 && i < target2.n)) {
        return void 0;
      }
      return { value: item(target2, i), writable: false, enumerable: true, configurable: true };
    },
    set(_t, key) {
      throw new TypeError(`input values are read-only (setting [${String(key)}]); copy with [...list] first`);
    },
    deleteProperty(_t, key) {
      throw new TypeError(`input values are read-only (deleting [${String(key)}])`);
    },
    defineProperty(_t, key) {
      throw new TypeError(`input values are read-only (defining [${String(key)}])`);
    }
  };
  function listView(ref) {
    const target2 = [];
    Object.defineProperty(target2, "ref", { value: ref, configurable: true });
    Object.defineProperty(target2, "n", { value: length(ref), configurable: true });
    Object.defineProperty(target2, "items", { value: [], configurable: true });
    return new Proxy(target2, LIST_HANDLER);
  }
  function toPlain(ref) {
    if (isMap(ref)) {
      const n = length(ref);
      const out = {};
      for (let i = 0; i < n; i++) {
        out[keyAt(ref, i)] = toPlain(at(ref, i));
      }
      return out;
    }
    if (isList(ref)) {
      const n = length(ref);
      const out = new Array(n);
      for (let i = 0; i < n; i++) {
        out[i] = toPlain(at(ref, i));
      }
      return out;
    }
    return scalar(ref);
  }

  // src/encode.js
  var Builder = import_builder.default.Builder;
  import_value_type_util.default.isTypedVectorElement = () => false;
  import_bit_width_util.default.fwidth = () => 3;
  var MAX_DEPTH = 128;
  function encode(value) {
    const b = new Builder(1024, true, true, true);
    add(b, value, "$", 0, []);
    return b.finish();
  }
  function add(b, v, path, depth, stack) {
    if (v === void 0 || v === null) {
      b.add(null);
      return;
    }
    switch (typeof v) {
      case "boolean":
      case "string":
        b.add(v);
        return;
      case "number":
        if (Number.isInteger(v) && !Number.isSafeInteger(v)) {
          b.addFloat(v);
        } else {
          b.add(v);
        }
        return;
      case "bigint":
        if (v < -(2n ** 63n) || v >= 2n ** 63n) {
          throw new TypeError(`cannot encode ${path}: ${v} does not fit in 64 bits`);
        }
        if (v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)) {
          b.add(Number(v));
        } else {
          b.add(v);
        }
        return;
      case "function":
        throw new TypeError(`cannot encode ${path}: it is a function`);
      case "symbol":
        throw new TypeError(`cannot encode ${path}: it is a symbol`);
      default:
        break;
    }
    if (depth >= MAX_DEPTH) {
      throw new TypeError(`cannot encode ${path}: nested deeper than ${MAX_DEPTH}`);
    }
    const ref = refOf(v);
    if (ref !== void 0) {
      add(b, toPlain(ref), path, depth, stack);
      return;
    }
    if (ArrayBuffer.isView(v)) {
      const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength).slice();
      b.add(bytes);
      return;
    }
    if (v instanceof ArrayBuffer) {
      b.add(new Uint8Array(v.slice(0)));
      return;
    }
    if (stack.includes(v)) {
      throw new TypeError(`cannot encode ${path}: it refers back to itself (a cycle)`);
    }
    if (typeof v.toJSON === "function") {
      add(b, v.toJSON(), path, depth, stack);
      return;
    }
    stack.push(v);
    if (Array.isArray(v)) {
      b.startVector();
      for (let i = 0; i < v.length; i++) {
        add(b, v[i], `${path}[${i}]`, depth + 1, stack);
      }
      b.end();
    } else if (v instanceof Map) {
      const keys = [...v.keys()].map((k) => {
        if (typeof k !== "string") {
          throw new TypeError(`cannot encode ${path}: a Map key is a ${typeof k}, not a string`);
        }
        return k;
      });
      writeMap(b, keys.sort(compareKeys), (k) => v.get(k), path, depth, stack);
    } else {
      const keys = Object.keys(v).filter((k) => v[k] !== void 0).sort(compareKeys);
      writeMap(b, keys, (k) => v[k], path, depth, stack);
    }
    stack.pop();
  }
  function writeMap(b, keys, get2, path, depth, stack) {
    b.startMap(true);
    for (const k of keys) {
      if (k.includes("\0")) {
        throw new TypeError(`cannot encode ${path}: key ${JSON.stringify(k)} contains a NUL character`);
      }
      b.addKey(k);
      add(b, get2(k), `${path}.${k}`, depth + 1, stack);
    }
    b.end();
  }
  function compareKeys(a, b) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const x = a.charCodeAt(i);
      const y = b.charCodeAt(i);
      if (x !== y) {
        if (x < 55296 && y < 55296) {
          return x - y;
        }
        return a.codePointAt(i) - b.codePointAt(i) || x - y;
      }
    }
    return a.length - b.length;
  }

  // src/runtime.js
  var EMIT_BYTES = 0;
  var EMIT_INPUT = 1;
  var FAIL = 2;
  var PENDING = 3;
  var PRIMARY = -1;
  var MAX_MESSAGE = 4096;
  var PORT = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;
  var Outcome = class {
    constructor(kind, port, value) {
      this.kind = kind;
      this.port = port;
      this.value = value;
    }
  };
  function createRuntime(host, options = {}) {
    const scriptName = options.scriptName ?? null;
    const ports = options.ports ?? null;
    let settledResult = null;
    function arrayBuffer(bytes) {
      return bytes instanceof ArrayBuffer ? bytes : new ArrayBuffer(bytes);
    }
    function text(args) {
      let s = "";
      for (let i = 0; i < args.length; i++) {
        const a = args[i];
        s += (i > 0 ? " " : "") + (typeof a === "string" ? a : describe(a));
      }
      return s.length > MAX_MESSAGE ? s.slice(0, MAX_MESSAGE) + "\u2026" : s;
    }
    const log = {
      debug: (...a) => host.log("DEBUG", text(a)),
      info: (...a) => host.log("INFO", text(a)),
      warn: (...a) => host.log("WARN", text(a)),
      error: (...a) => host.log("ERROR", text(a))
    };
    class CallContext {
      constructor() {
        this.outcome = null;
        this.configView = void 0;
        this.inputList = void 0;
      }
      get nodeId() {
        return host.nodeId();
      }
      get traceId() {
        return host.traceId();
      }
      get attempt() {
        return host.attempt();
      }
      get log() {
        return log;
      }
      get config() {
        if (this.configView === void 0) {
          this.configView = rootView(arrayBuffer(host.config()));
        }
        return this.configView;
      }
      get inputs() {
        if (this.inputList === void 0) {
          const flat = host.inputs();
          const inputs = [];
          for (let i = 0; i + 3 < flat.length; i += 4) {
            inputs.push(Object.freeze({
              source: flat[i],
              sourcePort: flat[i + 1],
              port: flat[i + 2],
              value: rootView(arrayBuffer(flat[i + 3]), inputs.length)
            }));
          }
          this.inputList = Object.freeze(inputs);
        }
        return this.inputList;
      }
      input(port) {
        for (const i of this.inputs) {
          if (i.port === port) {
            return i.value;
          }
        }
        return void 0;
      }
      now() {
        return host.now();
      }
      random() {
        return host.random();
      }
      uuid() {
        return host.uuid();
      }
      env(name) {
        return host.env(String(name)) ?? void 0;
      }
      secret(name) {
        return host.secret(String(name)) ?? void 0;
      }
      emit(port, value) {
        if (typeof port !== "string" || !PORT.test(port) || port === "error") {
          throw new TypeError(`emit(): ${describe(port)} is not a port name (letters, digits, _ and -; 'error' is taken by fail())`);
        }
        if (ports !== null && port !== "out" && !ports.includes(port)) {
          throw new TypeError(`emit(): port '${port}' is not declared; declared ports: ${ports.join(", ")}`);
        }
        if (this.outcome !== null) {
          throw new Error("a node fires one port per run; emit() or fail() was already called");
        }
        this.outcome = new Outcome(EMIT_BYTES, port, value);
        return this.outcome;
      }
      fail(message) {
        if (this.outcome !== null) {
          throw new Error("a node fires one port per run; emit() or fail() was already called");
        }
        this.outcome = new Outcome(FAIL, "error", String(message));
        return this.outcome;
      }
    }
    function finish(call, returned) {
      let outcome = call.outcome;
      if (outcome === null) {
        outcome = returned instanceof Outcome ? returned : new Outcome(EMIT_BYTES, "out", returned);
      } else if (returned !== void 0 && returned !== outcome) {
        return [FAIL, null, "the node both called emit()/fail() and returned a value; do one or the other"];
      }
      if (outcome.kind === FAIL) {
        return [FAIL, null, outcome.value];
      }
      const index = inputIndexOf(outcome.value);
      if (index !== void 0) {
        return [EMIT_INPUT, outcome.port, index];
      }
      try {
        const bytes = encode(outcome.value);
        return [EMIT_BYTES, outcome.port, bytes.buffer, bytes.byteOffset, bytes.byteLength];
      } catch (e) {
        return [FAIL, null, `the node's result cannot be stored: ${e instanceof Error ? e.message : describe(e)}`];
      }
    }
    function thrown(e) {
      const where = locate(e);
      const message = e instanceof Error ? `${e.name}: ${e.message}` : `the node threw ${describe(e)}, not an Error`;
      return [FAIL, where, message.length > MAX_MESSAGE ? message.slice(0, MAX_MESSAGE) + "\u2026" : message];
    }
    function locate(e) {
      if (!(e instanceof Error) || scriptName === null) {
        return null;
      }
      let stack;
      try {
        stack = String(e.stack);
      } catch {
        return null;
      }
      for (const line of stack.split("\n")) {
        const m = /([^\s()]+):(\d+):(\d+)\)?\s*$/.exec(line);
        if (m !== null && (m[1] === scriptName || m[1].endsWith("/" + scriptName))) {
          return `${scriptName}:${m[2]}`;
        }
      }
      return null;
    }
    return {
      /** The node function a module exports: its default export, or a function named execute. */
      load(namespace) {
        const fn = namespace?.default ?? namespace?.execute;
        if (typeof fn !== "function") {
          throw new TypeError("the script exports no node: write `export default function (input, ctx) { ... }`");
        }
        return fn;
      },
      /**
       * Runs a node once. Returns [EMIT_BYTES, port, ArrayBuffer, offset, length], [EMIT_INPUT, port, index] (-1 for the
       * primary input), [FAIL, location|null, message], or [PENDING] when the node returned a promise:
       * then settled() has the result once the promise settles.
       */
      invoke(fn, primary) {
        const call = new CallContext();
        settledResult = null;
        let returned;
        try {
          const input = primary === null || primary === void 0 ? null : rootView(arrayBuffer(primary), PRIMARY);
          returned = fn(input, call);
        } catch (e) {
          return thrown(e);
        }
        if (returned !== null && typeof returned === "object" && typeof returned.then === "function") {
          settledResult = [FAIL, null, "the node returned a promise that never settled (the sandbox has no timers or I/O)"];
          returned.then((v) => {
            settledResult = finish(call, v);
          }, (e) => {
            settledResult = thrown(e);
          });
          return [PENDING];
        }
        return finish(call, returned);
      },
      /**
       * Runs the runtime's own paths (decode, context, encode) a few times on a sample value, so that a
       * new context's first real call does not pay for them cold. Touches no host callback.
       */
      warmUp() {
        const sample = encode({ id: "warm-up", amount: 12.5, n: 3, ok: true, tags: ["a", "b"], nested: { list: [1, 2.5, null] } });
        const bytes = sample.buffer.slice(sample.byteOffset, sample.byteOffset + sample.byteLength);
        let last = null;
        for (let i = 0; i < 20; i++) {
          const v = rootView(bytes);
          last = encode({ id: v.id, total: v.amount * v.n, tags: [...v.tags], nested: v.nested, ok: v.ok });
        }
        return last.byteLength;
      },
      /** The result of the last invoke() that returned PENDING. */
      settled() {
        return settledResult;
      },
      log
    };
  }
  function describe(v) {
    try {
      if (typeof v === "string") {
        return JSON.stringify(v.length > 200 ? v.slice(0, 200) + "\u2026" : v);
      }
      if (v === null || typeof v !== "object") {
        return String(v);
      }
      const s = JSON.stringify(v, (_k, x) => typeof x === "bigint" ? String(x) : x);
      return s === void 0 ? Object.prototype.toString.call(v) : s.length > 200 ? s.slice(0, 200) + "\u2026" : s;
    } catch {
      return Object.prototype.toString.call(v);
    }
  }

  // src/sandbox.js
  var HOST_GLOBALS = [
    "Java",
    "Polyglot",
    "Graal",
    "load",
    "loadWithNewGlobal",
    "print",
    "printErr",
    "quit",
    "exit",
    "read",
    "readbuffer",
    "readline",
    "Packages",
    "java",
    "javax",
    "com",
    "org",
    "edu",
    "net"
  ];
  globalThis.__xervBootstrap = function bootstrap(host, scriptName, ports) {
    delete globalThis.__xervBootstrap;
    const runtime = createRuntime(host, {
      scriptName,
      ports: ports === null || ports === void 0 ? null : String(ports).split(",")
    });
    Math.random = () => host.random();
    Date.now = () => host.now();
    const log = runtime.log;
    globalThis.console = Object.freeze({ log: log.info, info: log.info, warn: log.warn, error: log.error, debug: log.debug });
    for (const name of HOST_GLOBALS) {
      delete globalThis[name];
    }
    return runtime;
  };
})();
