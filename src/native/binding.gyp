{
  "variables": {
    "has_libdeflate": "<!(test -f /usr/include/libdeflate.h && echo 1 || echo 0)"
  },
  "targets": [
    {
      "target_name": "sluice_native",
      "sources": ["addon.cc", "json-scan.cc", "json-encode.cc", "records.cc"],
      "cflags_cc": ["-std=c++17", "-O3", "-fno-exceptions"],
      "cflags_cc!": ["-std=gnu++17", "-fno-rtti"],
      "conditions": [
        ["has_libdeflate==1", {
          "sources": ["deflate.cc"],
          "defines": ["SLUICE_LIBDEFLATE"],
          "libraries": ["-ldeflate"]
        }]
      ]
    }
  ]
}
