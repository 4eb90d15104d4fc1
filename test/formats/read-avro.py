"""Reads an Avro object container file with Apache Avro's Python library (not avsc) and prints,
as JSON lines, first the file's metadata ({"avro.codec": ..., "avro.schema": ...}), then each
record. Timestamps (timestamp-millis) are printed as epoch milliseconds and bytes as hex.

Debian's python3-avro lacks snappy unless python3-snappy is installed; then this script reads
snappy blocks with the small decoder below, checking each block's CRC-32 as the Avro spec asks.

Usage: /usr/bin/python3 read-avro.py FILE
"""
import binascii
import datetime
import io
import json
import struct
import sys

import avro.codecs
import avro.datafile
import avro.io

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def snappy_decompress(data):
    pos, length, shift = 0, 0, 0
    while True:
        byte = data[pos]
        pos += 1
        length |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            break
    out = bytearray()
    while pos < len(data):
        tag = data[pos]
        pos += 1
        kind = tag & 3
        if kind == 0:
            size = tag >> 2
            if size >= 60:
                extra = size - 59
                size = int.from_bytes(data[pos:pos + extra], "little")
                pos += extra
            size += 1
            out += data[pos:pos + size]
            pos += size
            continue
        if kind == 1:
            size, offset = ((tag >> 2) & 7) + 4, ((tag >> 5) << 8) | data[pos]
            pos += 1
        elif kind == 2:
            size, offset = (tag >> 2) + 1, int.from_bytes(data[pos:pos + 2], "little")
            pos += 2
        else:
            size, offset = (tag >> 2) + 1, int.from_bytes(data[pos:pos + 4], "little")
            pos += 4
        if offset == 0 or offset > len(out):
            raise ValueError(f"snappy copy offset {offset} outside the {len(out)} bytes decoded so far")
        start = len(out) - offset
        for i in range(size):
            out.append(out[start + i])
    if len(out) != length:
        raise ValueError(f"snappy block decoded to {len(out)} bytes, its header says {length}")
    return bytes(out)


class SnappyCodec(avro.codecs.Codec):
    @staticmethod
    def compress(data):
        raise NotImplementedError("this reader only decompresses")

    @staticmethod
    def decompress(readers_decoder):
        length = readers_decoder.read_long()
        data = readers_decoder.read(length - 4)
        uncompressed = snappy_decompress(data)
        (expected_crc,) = struct.unpack(">I", readers_decoder.read(4))
        if binascii.crc32(uncompressed) & 0xFFFFFFFF != expected_crc:
            raise ValueError("snappy block CRC-32 does not match its uncompressed bytes")
        return avro.io.BinaryDecoder(io.BytesIO(uncompressed))


if "snappy" not in avro.codecs.KNOWN_CODECS:
    avro.codecs.KNOWN_CODECS["snappy"] = SnappyCodec


def plain(value):
    if isinstance(value, datetime.datetime):
        return (value - EPOCH) // datetime.timedelta(milliseconds=1)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def main(path):
    with open(path, "rb") as file:
        reader = avro.datafile.DataFileReader(file, avro.io.DatumReader())
        meta = {key: reader.get_meta(key) for key in ("avro.codec", "avro.schema")}
        out = sys.stdout
        out.write(json.dumps({key: None if value is None else value.decode("utf-8") for key, value in meta.items()}) + "\n")
        for record in reader:
            out.write(json.dumps(plain(record)) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
