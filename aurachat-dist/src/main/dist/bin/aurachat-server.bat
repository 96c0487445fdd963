@echo off
rem The AuraChat reference server: aurachat-server [options]; --help lists them (docs/reference-server.md).
rem Java: %JAVA_HOME%\bin\java.exe if JAVA_HOME is set, else java on the PATH; it must be Java 21 or newer.
rem JVM options: the build's defaults (DEFAULT_JVM_OPTS, from the pom property aurachat.server.jvmOptions), then
rem %AURACHAT_SERVER_OPTS%; a later option wins. util\config.json and util\log.xml are this install's.
rem Written to do what bin/aurachat-server does; not run on Windows by the build (docs/distribution.md).
setlocal
set "DEFAULT_JVM_OPTS=@aurachat.server.jvmOptions@"
set "MAIN_CLASS=io.aurachat.examples.ServerMain"
set "NAME=aurachat-server"

rem The install directory: the parent of this script's directory.
for %%i in ("%~dp0..") do set "APP_HOME=%%~fi"

if not defined JAVA_HOME goto javaFromPath
set "JAVACMD=%JAVA_HOME%\bin\java.exe"
if exist "%JAVACMD%" goto checkVersion
echo %NAME%: JAVA_HOME is %JAVA_HOME%, but it has no bin\java.exe: AuraChat needs Java 21 or newer 1>&2
exit /b 1

:javaFromPath
set "JAVACMD=java.exe"
where java.exe >nul 2>nul
if not errorlevel 1 goto checkVersion
echo %NAME%: no java on the PATH and JAVA_HOME is not set: AuraChat needs Java 21 or newer 1>&2
exit /b 1

:checkVersion
rem "openjdk version "21.0.2" 2024-01-16" or "java version "1.8.0_402"": the third word, without its quotes.
set "JAVA_VERSION="
for /f "tokens=2,3" %%a in ('call "%JAVACMD%" -version 2^>^&1') do if /i "%%a"=="version" if not defined JAVA_VERSION set "JAVA_VERSION=%%~b"
set "MAJOR=0"
if defined JAVA_VERSION for /f "tokens=1,2 delims=.-+_" %%a in ("%JAVA_VERSION%") do if "%%a"=="1" (set "MAJOR=%%b") else (set "MAJOR=%%a")
set /a MAJOR=MAJOR 2>nul
if %MAJOR% GEQ 21 goto run
if not defined JAVA_VERSION set "JAVA_VERSION=of unknown version"
echo %NAME%: found Java %JAVA_VERSION% (%JAVACMD%), but AuraChat needs Java 21 or newer: set JAVA_HOME to one 1>&2
exit /b 1

:run
"%JAVACMD%" %DEFAULT_JVM_OPTS% %AURACHAT_SERVER_OPTS% "-Daurachat.home=%APP_HOME%" -cp "%APP_HOME%\lib\*" %MAIN_CLASS% %*
exit /b %ERRORLEVEL%
