// The release and git commit of this build ("0.1.0+g3fef39a1c2d4", with
// "-dirty" for a changed working tree): written into every output file.
// Defined in a file generated at configure time (sim/core/version.cpp.in),
// so that a new commit recompiles that one file rather than every target.
#pragma once

namespace pledgesim::sim {

extern const char* const kSoftwareVersion;

}  // namespace pledgesim::sim
