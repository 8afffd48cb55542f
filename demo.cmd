@echo off
rem The mtls-reference demo on Windows: builds its jar on the first run, then runs it (demo.cmd --help).
setlocal
pushd "%~dp0"
set build=
if not exist demo-app\target\mtls-demo.jar set build=1
if not exist pki-cli\target\mtls-pki.jar set build=1
if not exist client-cli\target\mtls-client.jar set build=1
if not exist server-app\target\mtls-server.jar set build=1
if defined build (
  echo == Building the demo ^(first run only^): mvnw.cmd -q -B -pl demo-app,pki-cli,client-cli -am package -DskipTests
  call mvnw.cmd -q -B -pl demo-app,pki-cli,client-cli -am package -DskipTests
  if errorlevel 1 (
    popd
    exit /b 1
  )
)
java -jar demo-app\target\mtls-demo.jar %*
set status=%ERRORLEVEL%
popd
exit /b %status%
