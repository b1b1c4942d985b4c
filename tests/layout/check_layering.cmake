# The folders depend one way: app -> analysis, models -> sim. Each folder may
# include only its own headers and those of the folders below it; a header
# from above (e.g. sim/ including models/) fails this check, naming the line.
# Run as: cmake -DSOURCE_DIR=<repo> -P check_layering.cmake
set(allowed_sim "sim")
set(allowed_models "sim|models")
set(allowed_analysis "sim|analysis")
set(project_folders "sim|models|analysis|app")
set(problems "")
foreach(folder sim models analysis)
  file(GLOB_RECURSE sources "${SOURCE_DIR}/${folder}/*.hpp" "${SOURCE_DIR}/${folder}/*.cpp"
       "${SOURCE_DIR}/${folder}/*.in")
  foreach(source ${sources})
    file(STRINGS "${source}" lines REGEX "^[ \t]*#[ \t]*include[ \t]*\"")
    foreach(line ${lines})
      if(line MATCHES "\"(${project_folders})/" AND NOT line MATCHES "\"(${allowed_${folder}})/")
        file(RELATIVE_PATH rel "${SOURCE_DIR}" "${source}")
        string(APPEND problems "\n  ${rel}: ${line}")
      endif()
    endforeach()
  endforeach()
endforeach()
if(problems)
  message(FATAL_ERROR "includes against the layering (app -> analysis, models -> sim):${problems}")
endif()
message(STATUS "layering: sim includes only sim/; models only sim/ and models/; analysis only sim/ and analysis/")
