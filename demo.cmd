@echo off
rem The mtls-reference demo on Windows: builds its jar on the first run, then runs it (demo.cmd --help).
setlocal
pushd "%~dp0"
if not exist demo-app\target\mtls-demo.jar (
  echo == Building the demo ^(first run only^): mvnw.cmd -q -B -pl demo-app -am package -DskipTests
  call mvnw.cmd -q -B -pl demo-app -am package -DskipTests
  if errorlevel 1 (
    popd
    exit /b 1
  )
)
java -jar demo-app\target\mtls-demo.jar %*
set status=%ERRORLEVEL%
popd
exit /b %status%
