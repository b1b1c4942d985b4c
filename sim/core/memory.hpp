// How much memory this process may still take: what the machine has
// available (MemAvailable in /proc/meminfo) or, when lower, what is left
// under the process's address-space limit (ulimit -v). Used to refuse a run
// the machine cannot hold before it starts, instead of std::bad_alloc
// partway (or the kernel's out-of-memory killer).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace pledgesim::sim {

// Bytes this process may still allocate; nullopt when the system does not
// say (then no check is made).
std::optional<std::uint64_t> available_memory_bytes();

// "37.3 GiB", "512 MiB": a size for messages.
std::string memory_words(std::uint64_t bytes);

}  // namespace pledgesim::sim
